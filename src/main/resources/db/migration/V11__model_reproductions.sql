-- A reproduction retrains a model from its provenance (POST /models/{id}/reproduce): the model it reproduces and the
-- SHA-256 of that model's weights, which its own weights are compared with. Reproductions are not versions of the name.
ALTER TABLE models ADD COLUMN reproduces UUID;
ALTER TABLE models ADD COLUMN reproduces_sha256 VARCHAR(64);

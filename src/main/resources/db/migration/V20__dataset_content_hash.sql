-- The SHA-256 of a dataset's table as stored (typed cells in row order, then the columns' names and types; see
-- io.netforge.dataset.ContentHash): the same for the same table uploaded as CSV, gzip CSV or Parquet. NULL for
-- datasets stored before it was computed.
ALTER TABLE datasets ADD COLUMN content_sha256 VARCHAR(64);

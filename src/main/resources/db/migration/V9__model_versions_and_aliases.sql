-- A model's name is a registered name: its SUCCEEDED models (experiment runs aside) are its versions 1, 2, 3...,
-- numbered when they succeed and never renumbered; an alias (e.g. champion) names one version of a name.
ALTER TABLE models ADD COLUMN version INTEGER;
CREATE UNIQUE INDEX models_name_version ON models (name, version);

-- Models that succeeded before versions existed, numbered in the order they finished.
UPDATE models SET version = (
    SELECT COUNT(*) FROM models o
    WHERE o.name = models.name AND o.status = 'SUCCEEDED' AND o.experiment_id IS NULL
      AND (o.finished_at < models.finished_at OR (o.finished_at = models.finished_at AND o.seq <= models.seq)))
WHERE status = 'SUCCEEDED' AND experiment_id IS NULL;

CREATE TABLE model_aliases (
    name     VARCHAR(200) NOT NULL,
    alias    VARCHAR(64) NOT NULL,
    model_id UUID NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    PRIMARY KEY (name, alias)
);
CREATE INDEX model_aliases_model ON model_aliases (model_id);

-- The label, task, features and preprocessing a model was asked for (io.netforge.tabular.DataSpec, JSON).
-- NULL for models asked for before there were choices: a binary model of the dataset's label on all its other
-- columns, which is what those requests meant.
ALTER TABLE models ADD COLUMN data_spec TEXT;

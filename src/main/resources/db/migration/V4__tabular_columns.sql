-- Tabular datasets (io.netforge.dataset.DatasetStore, layout 2): every column is stored, typed and profiled,
-- the label is only the default one for training. Portable: runs unchanged on H2 2.x and PostgreSQL 15+.
-- V5 (a Java migration) converts the datasets stored before into this layout; V6 drops what it replaced.

-- the stored columns (ignored ones are not stored); column_count is NULL until V5 has converted a dataset
ALTER TABLE datasets ADD COLUMN column_count INTEGER;
-- the delimiter the upload used: ',', ';' or a tab
ALTER TABLE datasets ADD COLUMN delimiter VARCHAR(1) NOT NULL DEFAULT ',';
-- JSON arrays: the columns left out at upload, and the tokens that counted as missing values
ALTER TABLE datasets ADD COLUMN ignored_columns TEXT NOT NULL DEFAULT '[]';
ALTER TABLE datasets ADD COLUMN missing_tokens TEXT NOT NULL DEFAULT '[]';

-- One row per stored column, in upload order (position 0, 1, ...).
-- type: 'numeric' or 'categorical' (no CHECK constraint: H2 2.4.240 fails every insert into a table with a
-- CHECK (... IN ...) once the connection that created it has closed, h2database issue #4308).
-- distinct_count is exact when distinct_exact, else a lower bound.
-- min/max/mean/sd (sample, n - 1) and integers describe a numeric column's values (NULL without values);
-- first_text_row is the first data row (1-based) with a non-numeric value.
CREATE TABLE dataset_columns (
    dataset_id     UUID NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    type           VARCHAR(16) NOT NULL,
    missing_count  BIGINT NOT NULL,
    distinct_count BIGINT NOT NULL,
    distinct_exact BOOLEAN NOT NULL,
    integers       BOOLEAN NOT NULL,
    min_value      DOUBLE PRECISION,
    max_value      DOUBLE PRECISION,
    mean_value     DOUBLE PRECISION,
    sd_value       DOUBLE PRECISION,
    first_text_row BIGINT,
    PRIMARY KEY (dataset_id, position)
);

-- The distinct values of a column: every level of a categorical column, and the distinct numbers of a numeric
-- column when they were counted exactly. level_code is the sorted order (numbers ascending, then text).
-- number is the value of a numeric level (NULL for text); stored_code is the code a text level has in the
-- cells (the order values were first seen in the upload); numbers are stored as themselves.
CREATE TABLE dataset_levels (
    dataset_id  UUID NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    level_code  INTEGER NOT NULL,
    level_value TEXT NOT NULL,
    number      DOUBLE PRECISION,
    row_count   BIGINT NOT NULL,
    stored_code INTEGER,
    PRIMARY KEY (dataset_id, position, level_code)
);

-- Uploaded datasets (io.netforge.dataset.DatasetStore). Portable: runs unchanged on H2 2.x and PostgreSQL 15+.
-- A dataset, its classes and all its chunks are written in one transaction, so a committed dataset is
-- always complete and a failed upload leaves nothing behind.

CREATE TABLE datasets (
    id             UUID PRIMARY KEY,
    name           TEXT NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    row_count      BIGINT NOT NULL,
    feature_count  INTEGER NOT NULL,
    -- JSON array of the feature column names, in upload order (the label column removed)
    feature_names  TEXT NOT NULL,
    label_name     TEXT NOT NULL,
    -- true when both label values are finite decimal numbers (classes then sort numerically)
    numeric_labels BOOLEAN NOT NULL,
    chunk_count    INTEGER NOT NULL,
    -- bytes of the upload as received, and their hex SHA-256
    size_bytes     BIGINT NOT NULL,
    sha256         VARCHAR(64) NOT NULL
);

CREATE INDEX datasets_by_created_at ON datasets (created_at);

-- The label's two classes. class_code is what readers see (0 = first in sorted order, 1 = second);
-- stored_code is the byte used for the class in dataset_chunks.labels (0 = first value seen in the upload),
-- because the sorted order is only known once the whole upload was read.
CREATE TABLE dataset_classes (
    dataset_id  UUID NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    class_code  INTEGER NOT NULL CHECK (class_code IN (0, 1)),
    label_value TEXT NOT NULL,
    row_count   BIGINT NOT NULL,
    stored_code INTEGER NOT NULL CHECK (stored_code IN (0, 1)),
    PRIMARY KEY (dataset_id, class_code)
);

-- The rows, in upload order, in chunks of at most 1 MiB of features.
-- features: row_count * datasets.feature_count float64 values, row-major, little-endian (IEEE 754)
-- labels:   row_count bytes, one stored label code per row (see dataset_classes.stored_code)
CREATE TABLE dataset_chunks (
    dataset_id  UUID NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    chunk_index INTEGER NOT NULL,
    first_row   BIGINT NOT NULL,
    row_count   INTEGER NOT NULL,
    features    BYTEA NOT NULL,
    labels      BYTEA NOT NULL,
    PRIMARY KEY (dataset_id, chunk_index)
);

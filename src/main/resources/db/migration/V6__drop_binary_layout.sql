-- After V5 converted every dataset to the tabular layout: what only the binary layout (V1) needed.
-- dataset_chunks.cells (was features): row_count * datasets.column_count 64-bit cells, row-major,
-- little-endian; see io.netforge.dataset.ColumnProfile for what a cell holds.
ALTER TABLE dataset_chunks RENAME COLUMN features TO cells;
ALTER TABLE dataset_chunks DROP COLUMN labels;
DROP TABLE dataset_classes;
ALTER TABLE datasets DROP COLUMN feature_count;
ALTER TABLE datasets DROP COLUMN feature_names;
ALTER TABLE datasets DROP COLUMN numeric_labels;
ALTER TABLE datasets ALTER COLUMN column_count SET NOT NULL;

-- Text columns (type 'text': ids, titles, free text with more distinct values than a categorical column may have).
-- Their values are not kept, only counted: distinct_count (exact when distinct_exact), whether every present value
-- occurs once (unique_values; NULL when counting stopped, and for other types), and a JSON array of the first few
-- distinct values (examples; NULL for other types). Their cells are NaN-boxed text markers that nothing decodes.
ALTER TABLE dataset_columns ADD COLUMN unique_values BOOLEAN;
ALTER TABLE dataset_columns ADD COLUMN examples TEXT;

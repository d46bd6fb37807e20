-- Date columns (type 'datetime'): their cells, min, max, mean and sd are seconds since 1970-01-01T00:00 UTC, and
-- date_format is the format their text was read in (a built-in one's id, or 'pattern:' and the letters an upload
-- named with dates=). NULL for other types.
ALTER TABLE dataset_columns ADD COLUMN date_format TEXT;

-- Numeric columns whose values were percentages ('12%', stored as 12): TRUE; FALSE or NULL otherwise.
ALTER TABLE dataset_columns ADD COLUMN percentages BOOLEAN;

-- Early stopping's validation loss of the last reported epoch, published by the worker's heartbeat
-- beside the training loss; NULL for runs without early stopping and for every model before it existed.
ALTER TABLE models ADD COLUMN validation_loss DOUBLE PRECISION;

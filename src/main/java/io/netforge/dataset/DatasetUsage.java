package io.netforge.dataset;

import java.util.List;
import java.util.UUID;

/**
 * Tells the dataset feature which work still needs a dataset, so that deleting it can be refused (409) instead of
 * pulling the rows from under a queued or running job.
 *
 * <p>Implemented by the job engine (none in the dataset feature itself). {@link DatasetStore#delete} consults every
 * bean of this type, inside the transaction that deletes the dataset, after locking the dataset's row
 * ({@code SELECT ... FOR UPDATE} on {@code datasets}); code that queues jobs takes the same lock
 * ({@link DatasetStore#lockForUse}) to make "check, then queue" and "check, then delete" exclusive.
 */
public interface DatasetUsage {

    /** Ids of queued or running jobs (a model's training job has the model's id) that still need this dataset. */
    List<UUID> activeJobsUsing(UUID datasetId);
}

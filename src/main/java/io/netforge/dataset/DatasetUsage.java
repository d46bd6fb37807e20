package io.netforge.dataset;

import java.util.List;
import java.util.UUID;

/**
 * Tells the dataset feature which training work still needs a dataset, so that deleting it can be refused
 * (409) instead of pulling the rows from under a queued or running job.
 *
 * <p>Implemented by the features that train (none in the dataset feature itself). {@link DatasetStore#delete}
 * consults every bean of this type, inside the transaction that deletes the dataset, after locking the
 * dataset's row ({@code SELECT ... FOR UPDATE} on {@code datasets}); a feature that queues jobs can take the
 * same lock to make "check, then queue" and "check, then delete" exclusive.
 */
public interface DatasetUsage {

    /** Ids of queued or running models that still need this dataset; empty when none. */
    List<UUID> activeModelsUsing(UUID datasetId);
}

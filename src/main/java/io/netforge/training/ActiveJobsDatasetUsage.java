package io.netforge.training;

import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.netforge.dataset.DatasetUsage;

/** A dataset that queued or running jobs will still read cannot be deleted. */
@Component
class ActiveJobsDatasetUsage implements DatasetUsage {

    private final JobQueue queue;

    ActiveJobsDatasetUsage(JobQueue queue) {
        this.queue = queue;
    }

    @Override
    public List<UUID> activeModelsUsing(UUID datasetId) {
        return queue.activeModelsUsing(datasetId);
    }
}

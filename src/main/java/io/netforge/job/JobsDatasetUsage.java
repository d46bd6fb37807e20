package io.netforge.job;

import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.netforge.dataset.DatasetUsage;

/** A dataset that queued or running jobs of any kind will still read cannot be deleted. */
@Component
class JobsDatasetUsage implements DatasetUsage {

    private final Jobs jobs;

    JobsDatasetUsage(Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public List<UUID> activeJobsUsing(UUID datasetId) {
        return jobs.activeUsing(datasetId);
    }
}

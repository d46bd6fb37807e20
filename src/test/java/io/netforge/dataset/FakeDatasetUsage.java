package io.netforge.dataset;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for the jobs feature in tests ({@code @Import} it): the test says which datasets queued or running
 * models still need.
 */
class FakeDatasetUsage implements DatasetUsage {

    final Map<UUID, List<UUID>> active = new ConcurrentHashMap<>();

    @Override
    public List<UUID> activeJobsUsing(UUID datasetId) {
        return active.getOrDefault(datasetId, List.of());
    }
}

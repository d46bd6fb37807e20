package io.netforge.training;

import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.network.NetworkSpec;
import io.netforge.network.NetworkSpecValidator;
import io.netforge.system.ApiException;

/** Accepts training requests into the queue and cancels them. */
@Service
class TrainingService {

    static final int MAX_NAME_LENGTH = 200;

    private final DatasetStore datasets;
    private final NetworkSpecValidator validator;
    private final ModelRepository models;
    private final JobQueue queue;
    private final TrainingWorkers workers;

    TrainingService(DatasetStore datasets, NetworkSpecValidator validator, ModelRepository models, JobQueue queue,
            TrainingWorkers workers) {
        this.datasets = datasets;
        this.validator = validator;
        this.models = models;
        this.queue = queue;
        this.workers = workers;
    }

    /**
     * Validates the request against its dataset(s) and queues the job; the model starts QUEUED. The
     * datasets stay locked until the job is recorded, so they cannot be deleted in between.
     */
    @Transactional
    ModelView submit(TrainRequest request) {
        if (request.datasetId() == null) {
            throw ApiException.invalidField("datasetId", "is required");
        }
        DatasetInfo dataset = lock(request.datasetId(), "datasetId");
        if (request.testDatasetId() != null && request.testFraction() != null) {
            throw ApiException.invalidField("testFraction", "give either testDatasetId or testFraction, not both");
        }
        DatasetInfo testDataset = request.testDatasetId() == null ? null : lock(request.testDatasetId(), "testDatasetId");
        String name = request.name() == null ? null : request.name().strip();
        if (name != null && (name.isEmpty() || name.length() > MAX_NAME_LENGTH)) {
            throw ApiException.invalidField("name", "must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        DataSpecResolver.Resolved resolved = DataSpecResolver.resolve(request, dataset, testDataset);
        NetworkSpec spec = validator.validate(request.network(), resolved.validator(), "network");
        UUID id = UUID.randomUUID();
        queue.enqueue(id, name != null ? name : "model-" + id.toString().substring(0, 8), dataset.id(),
                request.testDatasetId(), request.testFraction(), spec, resolved.data());
        workers.wakeUpAfterCommit();
        return models.getView(id);
    }

    private DatasetInfo lock(UUID id, String field) {
        try {
            return datasets.lockForUse(id);
        } catch (ApiException e) {
            throw e.with("field", field);
        }
    }

    /**
     * Cancels a queued job at once, or asks a running one to stop and waits (briefly) until it has.
     *
     * @return the model's view afterwards
     */
    ModelView cancel(UUID id) {
        switch (queue.cancel(id)) {
            case NOT_FOUND -> throw ApiException.notFound("model", id);
            case ALREADY_FINISHED -> throw ApiException.conflict("model " + id + " is already "
                    + models.getView(id).status() + "; only QUEUED or RUNNING models can be cancelled");
            case REQUESTED -> {
                workers.stopLocally(id, JobQueue.StopReason.CANCELLED);
                awaitTerminal(id);
            }
            case CANCELLED -> {
            }
        }
        return models.getView(id);
    }

    /** Waits up to two seconds for a running job to acknowledge its cancellation. */
    private void awaitTerminal(UUID id) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            var view = models.findView(id);
            if (view.isEmpty() || view.get().status().isTerminal()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

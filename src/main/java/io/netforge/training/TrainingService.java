package io.netforge.training;

import java.time.Clock;
import java.util.List;
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
    private final Clock clock;

    TrainingService(DatasetStore datasets, NetworkSpecValidator validator, ModelRepository models, JobQueue queue,
            TrainingWorkers workers, Clock clock) {
        this.datasets = datasets;
        this.validator = validator;
        this.models = models;
        this.queue = queue;
        this.workers = workers;
        this.clock = clock;
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
        if (request.testDatasetId() != null) {
            checkTestDataset(dataset, request.testDatasetId());
        }
        if (request.testFraction() != null) {
            checkTestFraction(dataset, request.testFraction());
        }
        String name = request.name() == null ? null : request.name().strip();
        if (name != null && (name.isEmpty() || name.length() > MAX_NAME_LENGTH)) {
            throw ApiException.invalidField("name", "must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        NetworkSpec spec = validator.validate(request.network(), new NetworkSpecValidator.Data(dataset.features().size(),
                classes(dataset), trainingRowsPerClass(dataset, request.testFraction())), "network");
        UUID id = UUID.randomUUID();
        models.insertQueued(id, name != null ? name : "model-" + id.toString().substring(0, 8), dataset.id(),
                request.testDatasetId(), request.testFraction(), spec, clock.instant());
        workers.wakeUpAfterCommit();
        return models.getView(id);
    }

    private static List<String> classes(DatasetInfo dataset) {
        return dataset.classes().stream().map(DatasetInfo.LabelClass::value).toList();
    }

    /** The rows of each class the job will train on: all of them, or those a test fraction leaves. */
    private static long[] trainingRowsPerClass(DatasetInfo dataset, Double testFraction) {
        return dataset.classes().stream().mapToLong(c -> testFraction == null ? c.count()
                : c.count() - TrainingDataLoader.StratifiedSplit.testRowsOfClass(c.count(), testFraction)).toArray();
    }

    private DatasetInfo lock(UUID id, String field) {
        try {
            return datasets.lockForUse(id);
        } catch (ApiException e) {
            throw e.with("field", field);
        }
    }

    private void checkTestDataset(DatasetInfo dataset, UUID testDatasetId) {
        DatasetInfo test = lock(testDatasetId, "testDatasetId");
        if (!test.features().equals(dataset.features())) {
            throw ApiException.unprocessable("testDatasetId: the test dataset's features " + test.features()
                    + " differ from the training dataset's " + dataset.features()).with("field", "testDatasetId");
        }
        List<String> trainClasses = dataset.classes().stream().map(DatasetInfo.LabelClass::value).toList();
        List<String> testClasses = test.classes().stream().map(DatasetInfo.LabelClass::value).toList();
        if (!trainClasses.equals(testClasses)) {
            throw ApiException.unprocessable("testDatasetId: the test dataset's classes " + testClasses
                    + " differ from the training dataset's " + trainClasses).with("field", "testDatasetId");
        }
    }

    private static void checkTestFraction(DatasetInfo dataset, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw ApiException.invalidField("testFraction", "must be greater than 0 and less than 1, got " + fraction);
        }
        for (DatasetInfo.LabelClass labelClass : dataset.classes()) {
            if (labelClass.count() < 2) {
                throw ApiException.unprocessable("testFraction: class '" + labelClass.value() + "' has only "
                        + labelClass.count() + " row; a stratified split needs at least 2 rows of each class")
                        .with("field", "testFraction");
            }
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

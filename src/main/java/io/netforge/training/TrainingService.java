package io.netforge.training;

import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.job.JobStatus;
import io.netforge.job.JobWorkers;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.model.StoredModel;
import io.netforge.network.NetworkSpec;
import io.netforge.network.NetworkSpecValidator;
import io.netforge.problem.DomainException;
import io.netforge.problem.Names;
import io.netforge.tabular.DataSpec;
import io.netforge.tabular.Task;

/** Accepts training requests into the queue and cancels them; queues and cancels experiments' runs. */
@Service
public class TrainingService {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TrainingService.class);


    private final DatasetStore datasets;
    private final NetworkSpecValidator validator;
    private final ModelRepository models;
    private final JobWorkers workers;

    TrainingService(DatasetStore datasets, NetworkSpecValidator validator, ModelRepository models, JobWorkers workers) {
        this.datasets = datasets;
        this.validator = validator;
        this.models = models;
        this.workers = workers;
    }

    /**
     * Validates the request against its dataset(s) and queues the job; the model starts QUEUED. The
     * datasets stay locked until the job is recorded, so they cannot be deleted in between.
     */
    @Transactional
    public ModelView submit(TrainRequest request) {
        Prepared prepared = prepare(request, null, "folds");
        UUID id = UUID.randomUUID();
        String name = prepared.name() != null ? prepared.name() : "model-" + id.toString().substring(0, 8);
        models.enqueue(new ModelRepository.NewModel(id, name, prepared.datasetId(), prepared.testDatasetId(),
                prepared.testFraction(), prepared.spec(), prepared.data(), null, null, null, null, null));
        log.info("Queued model {} ({}) on dataset {}", id, name, prepared.datasetId());
        return models.getView(id);
    }

    /**
     * Retrains a SUCCEEDED model from its provenance: the same spec (and seed), the same datasets (checked by their
     * SHA-256), the same data spec. The new model is an ordinary job marked as the reproduction; once it succeeds
     * its view says whether its weights' SHA-256 is the original's. It is not a version of the name.
     */
    @Transactional
    public ModelView reproduce(UUID id) {
        ModelView original = models.getView(id);
        if (original.status() != JobStatus.SUCCEEDED) {
            throw DomainException.conflict("model " + id + " is " + original.status()
                    + "; only a SUCCEEDED model can be reproduced");
        }
        StoredModel stored = models.findArtifact(id).orElseThrow(() -> DomainException.notFound("model", id));
        DataSpec data = models.dataSpec(id).orElseThrow(() -> DomainException.conflict("model " + id
                + " was imported (or trained before netforge recorded how it chose its data): its training data is"
                + " not known here"));
        var provenance = stored.document().provenance();
        DatasetInfo dataset = trainedOn(original.datasetId(), provenance.datasetSha256(), id);
        if (original.testDatasetId() != null) {
            trainedOn(original.testDatasetId(), provenance.testDatasetSha256(), id);
        }
        if (data.heldOutDatasetId() != null) {
            trainedOn(data.heldOutDatasetId(), null, id);
        }
        UUID copy = UUID.randomUUID();
        models.enqueue(new ModelRepository.NewModel(copy, original.name(), dataset.id(), original.testDatasetId(),
                original.testFraction(), original.network(), data, null, null, id, stored.document().weights().sha256(), null));
        log.info("Queued model {} to reproduce model {}", copy, id);
        return models.getView(copy);
    }

    /** A dataset a model was trained on, locked, if it is still here and still the same bytes. */
    private DatasetInfo trainedOn(UUID datasetId, String sha256, UUID model) {
        DatasetInfo dataset;
        try {
            dataset = datasets.lockForUse(datasetId);
        } catch (DomainException e) {
            throw DomainException.conflict("model " + model + " was trained on dataset " + datasetId
                    + ", which is no longer here; it cannot be reproduced");
        }
        if (sha256 != null && !sha256.equals(dataset.sha256())) {
            throw DomainException.conflict("dataset " + datasetId + " is not the data model " + model
                    + " was trained on (SHA-256 " + dataset.sha256() + ", the model's provenance says " + sha256 + ")");
        }
        return dataset;
    }

    /**
     * Serves a fitted model made elsewhere (an imported export) as a new SUCCEEDED model: the next version of its
     * name. The document's id is the new model's.
     */
    public ModelView register(StoredModel model) {
        String name = Names.check("name", model.document().name());
        for (int attempt = 1; ; attempt++) {
            try {
                models.insertImported(name, model.document().provenance().datasetId(), model.document().network(),
                        model);
                break;
            } catch (org.springframework.dao.DuplicateKeyException e) {
                // another model of the same name took that version number at the same moment: number again
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
        log.info("Imported model {} ({})", model.document().id(), name);
        return models.getView(model.document().id());
    }

    /**
     * A training request validated as {@code POST /models} validates it, ready to queue.
     *
     * @param name         the name asked for, or null
     * @param task         the task, resolved
     * @param trainingRows the rows it trains on (with folds, those of the smallest training side), validation rows
     *                     included
     * @param fewestRows   the training rows of its rarest class (for a regression, all of them)
     */
    public record Prepared(String name, UUID datasetId, UUID testDatasetId, Double testFraction, NetworkSpec spec,
            DataSpec data, Task task, long trainingRows, long fewestRows) {
    }

    /**
     * Validates a request and locks its datasets until the caller's transaction ends (so they cannot be deleted
     * before its jobs are recorded). With {@code folds}, its runs will hold out one of that many folds as test rows.
     *
     * @throws DomainException 400/404/422 naming the field as a {@code POST /models} body
     */
    @Transactional
    public Prepared prepare(TrainRequest request, Integer folds, String foldsField) {
        if (request.datasetId() == null) {
            throw DomainException.invalidField("datasetId", "is required");
        }
        DatasetInfo dataset = lock(request.datasetId(), "datasetId");
        if (request.testDatasetId() != null && request.testFraction() != null) {
            throw DomainException.invalidField("testFraction", "give either testDatasetId or testFraction, not both");
        }
        DatasetInfo testDataset = request.testDatasetId() == null ? null : lock(request.testDatasetId(), "testDatasetId");
        String name = request.name() == null ? null : Names.check("name", request.name());
        DataSpecResolver.Resolved resolved = DataSpecResolver.resolve(request, dataset, testDataset, folds, foldsField);
        NetworkSpec spec = validator.validate(request.network(), resolved.validator(), "network");
        DataSpec data = heldOut(request, spec, resolved.data());
        return new Prepared(name, dataset.id(), request.testDatasetId(), request.testFraction(), spec,
                data, resolved.task(),
                java.util.Arrays.stream(resolved.validator().trainingRowsPerClass()).sum(),
                java.util.Arrays.stream(resolved.validator().trainingRowsPerClass()).min().orElse(0));
    }

    /**
     * Validates a request's data once (as {@link #prepare} does, locking its datasets) and returns what validates
     * each of many networks against it: a search draws hundreds of candidates for one dataset.
     *
     * @throws DomainException 400/404/422 naming the field as a {@code POST /models} body, for the request's data
     */
    @Transactional
    public java.util.function.Function<io.netforge.network.NetworkRequest, Prepared> preparer(TrainRequest request, Integer folds,
            String foldsField) {
        Prepared base = prepare(request, folds, foldsField);
        DatasetInfo dataset = lock(request.datasetId(), "datasetId");
        DatasetInfo testDataset = request.testDatasetId() == null ? null : lock(request.testDatasetId(), "testDatasetId");
        DataSpecResolver.Resolved resolved = DataSpecResolver.resolve(request, dataset, testDataset, folds, foldsField);
        return network -> {
            NetworkSpec spec = validator.validate(network, resolved.validator(), "network");
            return new Prepared(base.name(), base.datasetId(), base.testDatasetId(), base.testFraction(), spec,
                    heldOut(request, spec, resolved.data()), base.task(), base.trainingRows(), base.fewestRows());
        };
    }

    /**
     * The rows a spec's calibration or threshold rule are fitted on: a held-out dataset (locked, checked against the
     * training dataset's columns), else early stopping's validation rows; 400 when neither, or when nothing uses them.
     */
    private DataSpec heldOut(TrainRequest request, NetworkSpec spec, DataSpec data) {
        UUID id = request.heldOutDatasetId();
        if (id == null) {
            if (spec.usesHeldOutRows() && spec.earlyStopping() == null) {
                throw DomainException.invalidField(spec.calibration() != null ? "network.calibration"
                        : "network.thresholdRule", "needs rows held out from training: give heldOutDatasetId (a"
                        + " dataset with the same columns), or turn on network.earlyStopping to use its validation"
                        + " rows");
            }
            return data;
        }
        if (!spec.usesHeldOutRows()) {
            throw DomainException.invalidField("heldOutDatasetId", "nothing uses held-out rows: ask for"
                    + " network.calibration or network.thresholdRule");
        }
        if (id.equals(request.testDatasetId()) || id.equals(request.datasetId())) {
            throw DomainException.invalidField("heldOutDatasetId", "is the " + (id.equals(request.datasetId())
                    ? "training" : "test") + " dataset; held-out rows must be rows the model neither trains nor is"
                    + " tested on");
        }
        DatasetInfo heldOut = lock(id, "heldOutDatasetId");
        DataSpecResolver.checkHeldOutDataset(lock(request.datasetId(), "datasetId"), heldOut, data);
        return data.withHeldOut(id);
    }

    /**
     * Queues one run of an experiment (in the caller's transaction): a model like any other, marked as the
     * experiment's, for one configuration and (with cross-validation) one fold.
     */
    public UUID enqueueRun(Prepared prepared, String name, UUID experimentId, int configuration,
            DataSpec.Fold fold) {
        return enqueueRun(prepared, name, experimentId, configuration, fold, null);
    }

    /** Queues one run of a search's rung (or an experiment's, with {@code rung} null). */
    public UUID enqueueRun(Prepared prepared, String name, UUID experimentId, int configuration,
            DataSpec.Fold fold, Integer rung) {
        UUID id = UUID.randomUUID();
        // a fold holds out part of the dataset as the run's test rows: instead of a test dataset, and within what a
        // test fraction leaves for training
        models.enqueue(new ModelRepository.NewModel(id, name, prepared.datasetId(),
                fold == null ? prepared.testDatasetId() : null, prepared.testFraction(),
                prepared.spec(), fold == null ? prepared.data() : prepared.data().withFold(fold),
                experimentId, configuration, null, null, rung));
        return id;
    }

    /** Cancels every unfinished run of an experiment: queued ones at once, running ones within a heartbeat. */
    public void cancelRuns(UUID experimentId) {
        workers.cancelAll(models.runIds(experimentId));
    }

    private DatasetInfo lock(UUID id, String field) {
        try {
            return datasets.lockForUse(id);
        } catch (DomainException e) {
            throw e.with("field", field);
        }
    }

    /**
     * Cancels a queued job at once, or asks a running one to stop and waits (briefly) until it has.
     *
     * @return the model's view afterwards
     */
    ModelView cancel(UUID id) {
        if (!models.exists(id)) {
            throw DomainException.notFound("model", id);
        }
        switch (workers.cancel(id)) {
            case NOT_FOUND -> throw DomainException.notFound("model", id);
            case ALREADY_FINISHED -> throw DomainException.conflict("model " + id + " is already "
                    + models.getView(id).status() + "; only QUEUED or RUNNING models can be cancelled");
            case REQUESTED, CANCELLED -> {
            }
        }
        return models.getView(id);
    }
}

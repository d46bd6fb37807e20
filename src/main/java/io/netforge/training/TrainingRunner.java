package io.netforge.training;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.netforge.compute.Evaluation;
import io.netforge.compute.MulticlassEvaluation;
import io.netforge.compute.RegressionEvaluation;
import io.netforge.compute.RocCurve;
import io.netforge.compute.Network;
import io.netforge.compute.NonFiniteLossException;
import io.netforge.compute.Standardization;
import io.netforge.compute.Trainer;
import io.netforge.compute.TrainingCancelledException;
import io.netforge.compute.TrainingResult;
import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.Task;
import io.netforge.model.Metrics;
import io.netforge.model.ModelDocument;
import io.netforge.model.StoredModel;
import io.netforge.model.WeightsCodec;
import io.netforge.network.NetworkSpec;
import io.netforge.system.Versions;
import io.netforge.tabular.Encoding;

/**
 * Runs one claimed job from start to finish: load its rows, standardise, train, evaluate, and store the
 * fitted model, or record why it failed or stopped. Safe to run again for the same job (after a crash):
 * it starts from the stored dataset and the seed, so a rerun yields the same model.
 */
@Component
class TrainingRunner {

    private static final Logger log = LoggerFactory.getLogger(TrainingRunner.class);

    /** Most points of a loss curve kept with a model; longer runs are sampled evenly. */
    static final int LOSS_CURVE_POINTS = 1000;

    private final JobQueue queue;
    private final TrainingDataLoader loader;
    private final Versions versions;
    private final Clock clock;
    private final TrainingMetrics metrics;

    TrainingRunner(JobQueue queue, TrainingDataLoader loader, Versions versions, Clock clock, TrainingMetrics metrics) {
        this.queue = queue;
        this.loader = loader;
        this.versions = versions;
        this.clock = clock;
        this.metrics = metrics;
    }

    void run(JobQueue.ClaimedJob job, RunningJob handle, String owner) {
        log.info("Training model {} (attempt {}): {}", job.id(), job.attempt(), job.spec());
        metrics.claimed(job);
        try (TrainingData loaded = loader.load(job)) {
            if (handle.stopReason() != null) {
                throw new TrainingCancelledException(0);
            }
            TrainingData data = loaded;
            Standardization standardization = null;
            if (job.spec().standardize()) {
                // the numeric inputs only: one-hot and missing-indicator inputs stay 0/1
                standardization = Standardization.fit(data.trainX())
                        .onlyColumns(data.meta().encoding().numericInputs());
                // in place: the job owns its arrays, and a second copy of a large one-hot matrix would double the memory
                standardization.applyInPlace(data.trainX());
                if (data.testX() != null) {
                    standardization.applyInPlace(data.testX());
                }
            }
            try (TrainingResult result = train(data, job.spec(), handle)) {
                StoredModel model = fittedModel(job, data, standardization, result);
                Optional<JobQueue.StopReason> refused = succeedRetrying(job, owner, model, result);
                if (refused.isEmpty()) {
                    log.info("Model {} trained in {} s", job.id(), String.format("%.3f", result.seconds()));
                    metrics.trained(result.trainer(), data.meta().task().id(), result.iterations(), result.seconds());
                } else {
                    // stopped between the last heartbeat and the final write
                    finishStopped(job, refused.get(), handle, owner);
                }
            }
        } catch (TrainingCancelledException e) {
            finishStopped(job, handle.stopReason(), handle, owner);
        } catch (NonFiniteLossException | TrainingDataLoader.DataUnavailableException e) {
            queue.fail(job.id(), owner, e.getMessage(), handle.iteration(), handle.loss());
            metrics.failed(e instanceof NonFiniteLossException ? "non_finite_loss" : "data_unavailable");
        } catch (OutOfMemoryError e) {
            metrics.failed("out_of_memory");
            log.error("Model {} ran out of memory", job.id(), e);
            queue.fail(job.id(), owner, "training ran out of memory; try a smaller network or dataset",
                    handle.iteration(), handle.loss());
        } catch (RuntimeException e) {
            if (io.netforge.system.DatabaseErrors.unavailable(e)) {
                // not the job's fault: it stays RUNNING, and is run again (here or elsewhere) once its lease expires
                log.warn("Model {}: the database is unavailable ({}); the job runs again once its lease expires",
                        job.id(), e.toString());
                return;
            }
            metrics.failed("internal");
            log.error("Model {} failed", job.id(), e);
            queue.fail(job.id(), owner, "training failed because of an internal error ("
                    + e.getClass().getSimpleName() + "); it has been logged", handle.iteration(), handle.loss());
        }
    }

    /** How long the final write is retried while the database is away, before the job is left to run again. */
    static final java.time.Duration FINAL_WRITE_RETRY = java.time.Duration.ofMinutes(2);

    /**
     * Stores the fitted model, retrying every second while the database is away (up to {@link #FINAL_WRITE_RETRY}):
     * a trained model is not thrown away for an outage. If another instance took the job over meanwhile, the write
     * is refused (LOST) and nothing is stored twice.
     */
    private Optional<JobQueue.StopReason> succeedRetrying(JobQueue.ClaimedJob job, String owner, StoredModel model,
            TrainingResult result) {
        long deadline = System.nanoTime() + FINAL_WRITE_RETRY.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return queue.succeed(job.id(), owner, model, result.iterations(), lastLoss(result),
                        lastValidationLoss(result), result.seconds());
            } catch (RuntimeException e) {
                if (!io.netforge.system.DatabaseErrors.unavailable(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                if (attempt == 1) {
                    log.warn("Model {}: the database is unavailable for its final write; retrying", job.id());
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static TrainingResult train(TrainingData data, NetworkSpec spec, RunningJob handle) {
        return Trainer.train(data.trainX(), data.trainY(),
                spec.trainingSettings(data.meta().task().objective(), classes(data.meta())), handle);
    }

    /** The label's classes as text, in class-code order. */
    private static List<String> classes(TrainingData.Meta meta) {
        return meta.classes().stream().map(Encoding.Level::value).toList();
    }

    /** A run that stopped before it could store a model: record why, if the job is still ours. */
    private void finishStopped(JobQueue.ClaimedJob job, JobQueue.StopReason reason, RunningJob handle, String owner) {
        switch (reason) {
            case SHUTDOWN -> {
                queue.release(job.id(), owner);
                log.info("Model {} handed back to the queue at shutdown", job.id());
            }
            case CANCELLED -> {
                queue.cancelled(job.id(), owner, handle.iteration(), handle.loss());
                log.info("Model {} cancelled at iteration {}", job.id(), handle.iteration());
            }
            // nothing to write: the model is gone, or another worker owns the job now
            case DELETED, LOST -> log.info("Model {} stopped: {}", job.id(), reason);
        }
    }

    private StoredModel fittedModel(JobQueue.ClaimedJob job, TrainingData data, Standardization standardization,
            TrainingResult result) {
        Network network = result.network();
        TrainingData.Meta meta = data.meta();
        TrainingResult.Validation validation = result.validation();
        Metrics train;
        Metrics validated = null;
        if (validation == null) {
            train = evaluate(job, meta, network, data.trainX(), data.train());
        } else {
            // the rows trained on and the held-out ones, each on its own
            int[] held = validation.rows();
            int[] rest = complement(held, data.train().rows());
            train = evaluate(job, meta, network, data.trainX(), rest, data.train().subset(rest));
            validated = evaluate(job, meta, network, data.trainX(), held, data.train().subset(held));
        }
        Metrics test = data.testX() == null ? null : evaluate(job, meta, network, data.testX(), data.test());
        byte[] weights = WeightsCodec.encode(network);
        DatasetInfo dataset = meta.dataset();
        DatasetInfo testDataset = meta.testDataset();
        ModelDocument.Provenance provenance = new ModelDocument.Provenance(dataset.id(), dataset.sha256(),
                testDataset == null ? null : testDataset.id(), testDataset == null ? null : testDataset.sha256(),
                job.testFraction(), data.train().rows(), data.testRows(), job.spec().seed(),
                result.iterations(), result.seconds(), result.trainer(), clock.instant(), versions.netforge(),
                versions.nd4j(), versions.java(), versions.os(), meta.rowsWithoutLabel());
        ModelDocument document = new ModelDocument(ModelDocument.FORMAT_VERSION, job.id(), job.name(),
                meta.task().id(), meta.data().features(), meta.data().label(),
                meta.classes().stream().map(c -> new ModelDocument.ClassValue(c.value(), c.number() != null)).toList(),
                meta.encoding(),
                standardization == null ? null
                        : new ModelDocument.StandardizationDoc(standardization.mean(), standardization.sd()),
                meta.targetScale(), job.spec(), network.layerSizes(), network.architecture().objective().id(),
                WeightsCodec.layout(weights), new Metrics.TrainTest(train, validated, test),
                lossCurve(result.losses(), result.iterations()),
                validation == null ? List.of() : lossCurve(validation.losses(), validation.losses().length),
                summary(result, meta), provenance,
                roc(meta, network, data.testX() != null ? data.testX() : data.trainX(),
                        data.testX() != null ? data.test() : data.train(), data.testX() != null ? "test" : "train"));
        return new StoredModel(document, weights);
    }

    private static ModelDocument.TrainingSummary summary(TrainingResult result, TrainingData.Meta meta) {
        Map<String, Double> weights = null;
        if (result.classWeights() != null) {
            weights = new LinkedHashMap<>();
            List<String> classes = classes(meta);
            for (int c = 0; c < classes.size(); c++) {
                weights.put(classes.get(c), result.classWeights()[c]);
            }
        }
        TrainingResult.Validation validation = result.validation();
        return new ModelDocument.TrainingSummary(result.iterations(), result.stoppedBy().id(),
                validation == null ? null : validation.bestIteration(),
                validation == null ? null : (long) validation.rows().length, weights);
    }

    /** Most points kept of a ROC curve. */
    static final int ROC_POINTS = 1000;

    /** A classifier's ROC curves on the rows of x (one per class against the rest for K classes); null for regression. */
    private static ModelDocument.Roc roc(TrainingData.Meta meta, Network network, INDArray x,
            TrainingData.Targets targets, String rows) {
        if (meta.task() == Task.REGRESSION) {
            return null;
        }
        List<Object> classes = meta.classes().stream()
                .map(c -> new ModelDocument.ClassValue(c.value(), c.number() != null).json()).toList();
        List<ModelDocument.RocCurve> curves = new ArrayList<>();
        try (INDArray output = network.predict(x)) {
            if (meta.task() == Task.BINARY) {
                addCurve(curves, classes.get(1), output.toDoubleVector(), targets.binary());
            } else {
                double[][] probabilities = output.toDoubleMatrix();
                int[] labels = targets.classes();
                for (int k = 0; k < classes.size(); k++) {
                    double[] scores = new double[labels.length];
                    byte[] positive = new byte[labels.length];
                    for (int r = 0; r < labels.length; r++) {
                        scores[r] = probabilities[r][k];
                        positive[r] = (byte) (labels[r] == k ? 1 : 0);
                    }
                    addCurve(curves, classes.get(k), scores, positive);
                }
            }
        }
        return new ModelDocument.Roc(rows, curves);
    }

    /** A class's curve, unless its rows have one class only (no curve then). */
    private static void addCurve(List<ModelDocument.RocCurve> curves, Object positiveClass, double[] scores,
            byte[] labels) {
        RocCurve curve = RocCurve.of(scores, labels, ROC_POINTS);
        if (curve == null) {
            return;
        }
        List<ModelDocument.RocPoint> points = new ArrayList<>(curve.thresholds().length);
        for (int i = 0; i < curve.thresholds().length; i++) {
            double threshold = curve.thresholds()[i];
            points.add(new ModelDocument.RocPoint(curve.falsePositiveRate()[i], curve.truePositiveRate()[i],
                    Double.isInfinite(threshold) ? null : threshold));
        }
        curves.add(new ModelDocument.RocCurve(positiveClass, curve.auc(), points));
    }

    /** The task's metrics of the network on the rows of x, whose targets are {@code targets}. */
    private static Metrics evaluate(JobQueue.ClaimedJob job, TrainingData.Meta meta, Network network, INDArray x,
            TrainingData.Targets targets) {
        try (INDArray output = network.predict(x)) {
            return switch (meta.task()) {
                case BINARY -> Metrics.of(Evaluation.of(output.toDoubleVector(), targets.binary(),
                        job.spec().threshold()));
                case MULTICLASS -> Metrics.of(MulticlassEvaluation.of(output.toDoubleMatrix(), targets.classes(),
                        meta.classes().size()), meta.classes().stream()
                                .map(c -> new ModelDocument.ClassValue(c.value(), c.number() != null).json()).toList());
                case REGRESSION -> {
                    double[] predicted = output.toDoubleVector();
                    for (int r = 0; r < predicted.length; r++) {
                        predicted[r] = meta.targetScale().original(predicted[r]);
                    }
                    yield Metrics.of(RegressionEvaluation.of(predicted, targets.values()));
                }
            };
        }
    }

    /** The same on the rows {@code rows} of x. */
    private static Metrics evaluate(JobQueue.ClaimedJob job, TrainingData.Meta meta, Network network, INDArray x,
            int[] rows, TrainingData.Targets targets) {
        try (INDArray xs = x.getRows(rows)) {
            return evaluate(job, meta, network, xs, targets);
        }
    }

    /** 0 .. n-1 without {@code rows} (ascending). */
    private static int[] complement(int[] rows, int n) {
        int[] rest = new int[n - rows.length];
        int next = 0;
        int at = 0;
        for (int r = 0; r < n; r++) {
            if (next < rows.length && rows[next] == r) {
                next++;
            } else {
                rest[at++] = r;
            }
        }
        return rest;
    }

    private static double lastLoss(TrainingResult result) {
        return result.losses()[result.iterations() - 1];
    }

    private static Double lastValidationLoss(TrainingResult result) {
        double[] losses = result.validation() == null ? null : result.validation().losses();
        return losses == null || losses.length == 0 ? null : losses[losses.length - 1];
    }

    /** The loss of every iteration, or of {@link #LOSS_CURVE_POINTS} evenly spaced ones including the last. */
    static List<ModelDocument.LossPoint> lossCurve(double[] losses, int iterations) {
        int points = Math.min(iterations, LOSS_CURVE_POINTS);
        List<ModelDocument.LossPoint> curve = new ArrayList<>(points);
        for (int k = 0; k < points; k++) {
            int index = points == 1 ? 0 : (int) Math.round((double) k * (iterations - 1) / (points - 1));
            curve.add(new ModelDocument.LossPoint(index + 1, losses[index]));
        }
        return curve;
    }
}

package io.netforge.training;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.netforge.compute.NdArrays;
import io.netforge.compute.Network;
import io.netforge.compute.NonFiniteLossException;
import io.netforge.compute.Standardization;
import io.netforge.compute.Trainer;
import io.netforge.compute.TrainingCancelledException;
import io.netforge.compute.TrainingResult;
import io.netforge.dataset.DatasetInfo;
import io.netforge.job.JobFailedException;
import io.netforge.job.JobKind;
import io.netforge.job.JobProperties;
import io.netforge.job.JobRun;
import io.netforge.job.JobStoppedException;
import io.netforge.job.Outcome;
import io.netforge.model.ModelDocument;
import io.netforge.model.ModelRepository;
import io.netforge.model.StoredModel;
import io.netforge.model.WeightsCodec;
import io.netforge.network.NetworkSpec;
import io.netforge.system.Versions;
import io.netforge.tabular.Calibration;
import io.netforge.tabular.CalibrationFit;
import io.netforge.tabular.CalibrationReport;
import io.netforge.tabular.ClassValue;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Evaluated;
import io.netforge.tabular.Metrics;
import io.netforge.tabular.Readout;
import io.netforge.tabular.Roc;
import io.netforge.tabular.Task;
import io.netforge.tabular.ThresholdRule;

/**
 * The training job, a kind of job on the engine: load its model's rows, standardise, train, evaluate, and return the
 * fitted model for the engine to store; or say why it failed or stopped. Safe to run again for the same job (after a
 * crash): it starts from the stored dataset and the seed, so a rerun yields the same model.
 */
@Component
class TrainingRunner implements JobKind {

    private static final Logger log = LoggerFactory.getLogger(TrainingRunner.class);

    /** Most points of a loss curve kept with a model; longer runs are sampled evenly. */
    static final int LOSS_CURVE_POINTS = 1000;

    private final ModelRepository models;
    private final TrainingDataLoader loader;
    private final Versions versions;
    private final Clock clock;
    private final TrainingMetrics metrics;
    private final JobProperties properties;

    TrainingRunner(ModelRepository models, TrainingDataLoader loader, Versions versions, Clock clock,
            TrainingMetrics metrics, JobProperties properties) {
        this.models = models;
        this.loader = loader;
        this.versions = versions;
        this.clock = clock;
        this.metrics = metrics;
        this.properties = properties;
    }

    @Override
    public String id() {
        return ModelRepository.TRAINING;
    }

    @Override
    public int workers() {
        return properties.workers();
    }

    /** Compiles the training kernels, so that the first job trains at full speed. */
    @Override
    public void warmUp() {
        Trainer.warmUp();
    }

    @Override
    public Outcome run(JobRun run) {
        ModelRepository.Training job = models.training(run.id()).orElseThrow(JobStoppedException::new);
        log.info("Training model {} (attempt {}): {}", job.id(), run.job().attempt(), job.spec());
        TrainingProgress progress = new TrainingProgress(run);
        run.follow(progress);
        try (TrainingData loaded = loader.load(job)) {
            if (!run.keepGoing()) {
                throw new JobStoppedException();
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
                if (data.heldOutX() != null) {
                    standardization.applyInPlace(data.heldOutX());
                }
            }
            try (TrainingResult result = train(data, job.spec(), progress)) {
                StoredModel model = fittedModel(job, data, standardization, result);
                progress.finished(result.iterations(), lastLoss(result), lastValidationLoss(result));
                String task = data.meta().task().id();
                return () -> {
                    models.storeFitted(model, result.seconds());
                    log.info("Model {} trained in {} s", job.id(), String.format("%.3f", result.seconds()));
                    metrics.trained(result.trainer(), task, result.iterations(), result.seconds());
                    metrics.warned(model.document().warnings());
                };
            }
        } catch (TrainingCancelledException e) {
            throw new JobStoppedException();
        } catch (NonFiniteLossException e) {
            throw new JobFailedException("non_finite_loss", e.getMessage());
        } catch (TrainingDataLoader.DataUnavailableException e) {
            throw new JobFailedException("data_unavailable", e.getMessage());
        } catch (HeldOutException e) {
            throw new JobFailedException("held_out_rows", e.getMessage());
        }
    }

    private static TrainingResult train(TrainingData data, NetworkSpec spec, TrainingProgress progress) {
        return Trainer.train(data.trainX(), data.trainY(),
                spec.trainingSettings(data.meta().task().objective(), classes(data.meta())), progress);
    }

    /** The label's classes as text, in class-code order. */
    private static List<String> classes(TrainingData.Meta meta) {
        return meta.classes().stream().map(Encoding.Level::value).toList();
    }

    private StoredModel fittedModel(ModelRepository.Training job, TrainingData data, Standardization standardization,
            TrainingResult result) {
        Network network = result.network();
        TrainingData.Meta meta = data.meta();
        Task task = meta.task();
        List<ClassValue> classes = meta.classes().stream().map(c -> new ClassValue(c.value(), c.number() != null))
                .toList();
        TrainingResult.Validation validation = result.validation();
        // one forward pass per set of rows; metrics and ROC curves come from its outputs
        long started = System.nanoTime();
        double[] trainOutputs = outputs(network, data.trainX());
        double predictMicrosPerRow = (System.nanoTime() - started) / 1e3 / Math.max(1, data.train().rows());
        double[] testOutputs = data.testX() == null ? null : outputs(network, data.testX());
        int width = task.outputs(classes.size());
        Fitted fitted = fitOnHeldOut(job.spec(), network, data, validation, trainOutputs, testOutputs, width,
                new Readout(classes, job.spec().threshold(), meta.targetScale()));
        Readout readout = fitted.readout();
        Evaluated train;
        Evaluated validated = null;
        if (validation == null) {
            train = task.evaluate(trainOutputs, data.train(), readout, "train");
        } else {
            // the rows trained on and the held-out ones, each on its own
            int[] held = validation.rows();
            int[] rest = complement(held, data.train().rows());
            train = task.evaluate(rows(trainOutputs, width, rest), data.train().subset(rest), readout, "train");
            validated = task.evaluate(rows(trainOutputs, width, held), data.train().subset(held), readout, "train");
        }
        Evaluated test = testOutputs == null ? null : task.evaluate(testOutputs, data.test(), readout, "test");
        // a classifier's ROC curves on its test rows, else on every training row
        Roc roc = test != null ? test.roc() : validated == null ? train.roc()
                : task.evaluate(trainOutputs, data.train(), readout, "train").roc();
        byte[] weights = WeightsCodec.encode(network);
        DatasetInfo dataset = meta.dataset();
        DatasetInfo testDataset = meta.testDataset();
        ModelDocument.Provenance provenance = new ModelDocument.Provenance(dataset.id(), dataset.sha256(),
                testDataset == null ? null : testDataset.id(), testDataset == null ? null : testDataset.sha256(),
                job.testFraction(), data.train().rows(), data.testRows(), job.spec().seed(),
                result.iterations(), result.seconds(), result.trainer(), clock.instant(), versions.netforge(),
                versions.nd4j(), versions.java(), versions.os(), meta.rowsWithoutLabel(),
                excluded(dataset, meta.data()));
        ModelDocument document = new ModelDocument(ModelDocument.FORMAT_VERSION, job.id(), job.name(),
                task, meta.data().features(), meta.data().label(), classes, meta.encoding(),
                standardization == null ? null
                        : new ModelDocument.StandardizationDoc(standardization.mean(), standardization.sd()),
                meta.targetScale(), job.spec(), network.layerSizes(), network.architecture().objective().id(),
                WeightsCodec.layout(weights), new Metrics.TrainTest(train.metrics(),
                        validated == null ? null : validated.metrics(), test == null ? null : test.metrics()),
                lossCurve(result.losses(), result.iterations()),
                validation == null ? List.of() : lossCurve(validation.losses(), validation.losses().length),
                summary(result, meta, predictMicrosPerRow), provenance, roc, warnings(result, meta, data, train, test, validated, validation,
                        job.spec().batchSize(), fitted.threshold()), fitted.calibration(), fitted.threshold());
        return new StoredModel(document, weights);
    }

    /** Held-out rows that cannot calibrate or choose a threshold (the job fails saying why). */
    static final class HeldOutException extends RuntimeException {
        HeldOutException(String message) {
            super(message);
        }
    }

    /** The readout fitted on held-out rows: calibrated, at a chosen threshold (each when the spec asks). */
    private record Fitted(Readout readout, ModelDocument.CalibrationDoc calibration,
            ModelDocument.ThresholdDoc threshold) {
    }

    /**
     * Calibrates the network's probabilities and chooses a binary model's threshold on rows held out from training:
     * the held-out dataset's, else early stopping's validation rows. The threshold is chosen on the calibrated
     * probabilities, as the model answers them. Calibration is described before and after on the test rows, else on
     * the held-out rows themselves.
     */
    private static Fitted fitOnHeldOut(NetworkSpec spec, Network network, TrainingData data,
            TrainingResult.Validation validation,
            double[] trainOutputs, double[] testOutputs, int width, Readout readout) {
        if (!spec.usesHeldOutRows()) {
            return new Fitted(readout, null, null);
        }
        double[] heldOut;
        int[] heldOutClasses;
        String source;
        if (data.heldOutX() != null) {
            heldOut = outputs(network, data.heldOutX());
            heldOutClasses = data.heldOut().classes();
            source = ModelDocument.HELD_OUT_DATASET;
        } else if (validation != null) {
            heldOut = rows(trainOutputs, width, validation.rows());
            heldOutClasses = data.train().subset(validation.rows()).classes();
            source = ModelDocument.HELD_OUT_VALIDATION;
        } else {
            throw new HeldOutException("calibration and thresholdRule need rows held out from training: early"
                    + " stopping's validation rows or a heldOutDatasetId");
        }
        ModelDocument.CalibrationDoc calibration = null;
        if (spec.calibration() != null) {
            Calibration fit = CalibrationFit.fit(spec.calibration(), heldOut, width, heldOutClasses);
            readout = new Readout(readout.classes(), readout.threshold(), readout.target(), fit);
            double[] described = testOutputs != null ? testOutputs : heldOut;
            int[] describedClasses = testOutputs != null ? data.test().classes() : heldOutClasses;
            calibration = new ModelDocument.CalibrationDoc(fit, source, heldOutClasses.length,
                    testOutputs != null ? "test" : "heldOut", CalibrationReport.of(described, width, describedClasses),
                    CalibrationReport.of(readout.calibrated(described, width), width, describedClasses));
        }
        ModelDocument.ThresholdDoc threshold = null;
        if (spec.thresholdRule() != null) {
            double[] scores = readout.calibrated(heldOut, width);
            boolean[] positive = new boolean[heldOutClasses.length];
            for (int i = 0; i < positive.length; i++) {
                positive[i] = heldOutClasses[i] == 1;
            }
            ThresholdRule.Choice choice;
            try {
                choice = spec.thresholdRule().choose(scores, positive);
            } catch (IllegalArgumentException e) {
                throw new HeldOutException("thresholdRule: " + e.getMessage());
            }
            readout = readout.withThreshold(choice.threshold());
            threshold = new ModelDocument.ThresholdDoc(source, choice);
        }
        return new Fitted(readout, calibration, threshold);
    }

    /** What the run recorded that makes the model less to be trusted ({@link ModelWarnings}). */
    private static List<ModelDocument.Warning> warnings(TrainingResult result, TrainingData.Meta meta, TrainingData data,
            Evaluated trained, Evaluated test, Evaluated validated, TrainingResult.Validation validation, int batch,
            ModelDocument.ThresholdDoc threshold) {
        List<ModelDocument.Warning> warnings = new java.util.ArrayList<>(ModelWarnings.ofLosses(result.losses(),
                result.iterations()));
        warnings.addAll(ModelWarnings.ofOscillation(result.losses(), result.iterations(),
                batch > 0 && batch < data.train().rows()));
        warnings.addAll(ModelWarnings.ofProgress(result.losses(), result.iterations(),
                result.stoppedBy() == TrainingResult.StoppedBy.EARLY_STOPPING,
                validation == null ? null : validation.bestIteration()));
        List<String> classes = classes(meta);
        if (test != null) {
            warnings.addAll(ModelWarnings.ofHeldOut(test.metrics(), "test", data.train(), data.test(), classes.size()));
            warnings.addAll(ModelWarnings.ofGap(trained.metrics(), test.metrics(), "test", data.testRows()));
        } else if (validated != null) {
            warnings.addAll(ModelWarnings.ofHeldOut(validated.metrics(), "validation", data.train(),
                    data.train().subset(validation.rows()), classes.size()));
            warnings.addAll(ModelWarnings.ofGap(trained.metrics(), validated.metrics(), "validation",
                    validation.rows().length));
        }
        warnings.addAll(ModelWarnings.of(classes, data.train(), data.test()));
        if (threshold != null) {
            warnings.addAll(ModelWarnings.ofThreshold(threshold.choice()));
        }
        try (INDArray min = data.trainX().min(0); INDArray max = data.trainX().max(0)) {
            warnings.addAll(ModelWarnings.ofInputs(meta.encoding(), NdArrays.toDoubles(min), NdArrays.toDoubles(max)));
        }
        return warnings;
    }

    /** The text columns the model did not learn from (never features), or null when the dataset has none. */
    private static List<ModelDocument.ExcludedColumn> excluded(DatasetInfo dataset, io.netforge.tabular.DataSpec data) {
        List<ModelDocument.ExcludedColumn> excluded = dataset.columns().stream()
                .filter(c -> c.text() && !c.name().equals(data.label()))
                .map(c -> new ModelDocument.ExcludedColumn(c.name(), c.whyText())).toList();
        return excluded.isEmpty() ? null : excluded;
    }

    /** The network's outputs for the rows of x, row-major. */
    private static double[] outputs(Network network, INDArray x) {
        try (INDArray output = network.predict(x)) {
            return NdArrays.toDoubles(output);
        }
    }

    /** The outputs ({@code width} per row) of the rows {@code rows}, in that order. */
    private static double[] rows(double[] outputs, int width, int[] rows) {
        double[] picked = new double[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(outputs, rows[i] * width, picked, i * width, width);
        }
        return picked;
    }

    private static ModelDocument.TrainingSummary summary(TrainingResult result, TrainingData.Meta meta,
            double predictMicrosPerRow) {
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
                validation == null ? null : (long) validation.rows().length, weights, predictMicrosPerRow);
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

package io.netforge.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.netforge.compute.Activation;
import io.netforge.compute.Architecture;
import io.netforge.compute.Objective;
import io.netforge.compute.TrainingResult;
import io.netforge.network.NetworkSpec;
import io.netforge.tabular.ClassValue;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Metrics;
import io.netforge.tabular.PreprocessingSpec;
import io.netforge.tabular.Readout;
import io.netforge.tabular.Roc;
import io.netforge.tabular.TargetScale;
import io.netforge.tabular.Task;

/**
 * A fitted model described in full, as persisted beside its weights: everything needed to use it
 * (feature order, label classes, standardisation, threshold, layer shapes and functions, weight encoding) and to
 * know where it came from (spec, data hashes, seed, library versions, how the training ended). The format version
 * is checked on load, so a format this version does not know fails loudly instead of predicting nonsense.
 *
 * <p>Format 1 (netforge 0.1.0): sigmoid networks only; its documents have no {@code objective},
 * {@code validationLossCurve} or {@code training}, and their spec none of the options since, which read as the
 * article's (sigmoid, gradient descent, full batch). Format 2 adds those fields; a format-1 reader refuses it,
 * rather than predicting a ReLU network as a sigmoid one. Format 3 adds {@code task}, {@code preprocessing} and
 * {@code target}: earlier documents are binary models of numeric features without missing values. Format 4 adds
 * {@code roc}, the ROC curves of a classifier (null in earlier documents and for regressions). Format 5 adds
 * boolean features to {@code preprocessing} and {@code warnings} (empty in earlier documents); a format-4 reader
 * refuses it rather than failing on a feature type it does not know. Format 6 adds {@code calibration} and
 * {@code thresholdChoice} (null in earlier documents) and the spec's {@code thresholdRule} and {@code calibration}: a
 * format-5 reader refuses it rather than answering uncalibrated probabilities at another threshold.
 *
 * @param task            what the label asks for (stored by its id)
 * @param features        feature names; a row at predict time has these values in this order
 * @param classes         binary: the two label classes, index 0 is encoded 0 (negative), index 1 is positive;
 *                        multi-class: the K classes in output order; regression: empty
 * @param preprocessing   how a row of features becomes the network's inputs (before standardisation)
 * @param standardization applied to the inputs before the network sees them; null when the spec turned it off
 * @param target          regression: how the target was standardised (outputs are answered in its units); else null
 * @param layerSizes          [inputs, hidden widths..., 1]
 * @param objective           the output function and loss ({@link Objective#id()}); the hidden layers' activations
 *                            are the spec's {@code activation}
 * @param weights             how the weight bytes stored beside this document are laid out
 * @param lossCurve           the training loss by epoch (sampled to at most 1000 points)
 * @param validationLossCurve with early stopping, the validation loss by epoch (sampled likewise); else empty
 * @param training            how the training ended
 * @param roc                 a classifier's ROC curves on its test rows (else its training rows); null otherwise
 * @param warnings            what makes the model less to be trusted than its metrics suggest, computed from what
 *                            the training recorded (never changing its bits); empty when nothing, and in models
 *                            trained before warnings existed
 * @param calibration         a classifier's calibration, fitted on held-out rows after training; else null
 * @param thresholdChoice     a binary model's threshold chosen on held-out rows by its spec's rule; else null (the
 *                            spec's {@code threshold} is used)
 */
public record ModelDocument(int formatVersion, UUID id, String name, Task task, List<String> features,
        String label, List<ClassValue> classes, Encoding preprocessing, StandardizationDoc standardization,
        TargetScale target, NetworkSpec network, List<Integer> layerSizes, String objective, WeightsLayout weights,
        Metrics.TrainTest metrics, List<LossPoint> lossCurve, List<LossPoint> validationLossCurve,
        TrainingSummary training, Provenance provenance, Roc roc, List<Warning> warnings,
        CalibrationDoc calibration, ThresholdDoc thresholdChoice) {

    /** The format this version writes. */
    public static final int FORMAT_VERSION = 6;
    /** The oldest format this version reads. */
    public static final int OLDEST_READABLE_FORMAT = 1;

    public ModelDocument {
        task = task == null ? Task.BINARY : task;
        features = List.copyOf(features);
        if (preprocessing == null) { // formats 1 and 2: every feature numeric, as it is; a missing value is refused
            preprocessing = new Encoding(features.stream()
                    .map(f -> (io.netforge.tabular.Feature) new io.netforge.tabular.NumericFeature(f, null, false))
                    .toList(), PreprocessingSpec.ERROR);
        }
        classes = List.copyOf(classes);
        layerSizes = List.copyOf(layerSizes);
        objective = objective == null ? Objective.SIGMOID_CROSS_ENTROPY.id() : objective;
        lossCurve = List.copyOf(lossCurve);
        validationLossCurve = validationLossCurve == null ? List.of() : List.copyOf(validationLossCurve);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        if (training == null) { // format 1: every run ran its iterations, unweighted, without a validation slice
            training = new TrainingSummary(provenance.iterations(), TrainingResult.StoppedBy.MAX_ITERATIONS.id(), null,
                    null, null);
        }
    }

    /** Whether this version can read a document of this format. */
    public static boolean readable(int formatVersion) {
        return formatVersion >= OLDEST_READABLE_FORMAT && formatVersion <= FORMAT_VERSION;
    }

    /** How the network's outputs read as answers: the classes, the threshold, a regression's target scale. */
    public Readout readout() {
        return new Readout(classes, threshold(), target, calibration == null ? null : calibration.fitted());
    }

    /** The threshold a binary model labels by: chosen on held-out rows, or the spec's. */
    public double threshold() {
        return thresholdChoice != null ? thresholdChoice.choice().threshold() : network.threshold();
    }

    /** Rows held out from training that calibrated a model or chose its threshold. */
    public static final String HELD_OUT_VALIDATION = "validation";
    public static final String HELD_OUT_DATASET = "heldOutDataset";

    /**
     * A classifier's calibration.
     *
     * @param fitted      the fitted map, applied to every answer
     * @param heldOut     the rows it was fitted on: {@code validation} (early stopping's) or {@code heldOutDataset}
     * @param heldOutRows how many
     * @param reportedOn  the rows {@code before} and {@code after} describe: {@code test}, or {@code heldOut} when the
     *                    model has no test rows
     * @param before      the network's probabilities there
     * @param after       the calibrated ones
     */
    public record CalibrationDoc(io.netforge.tabular.Calibration fitted, String heldOut, long heldOutRows,
            String reportedOn, io.netforge.tabular.CalibrationReport before, io.netforge.tabular.CalibrationReport after) {
    }

    /**
     * A binary model's threshold, chosen.
     *
     * @param heldOut the rows it was chosen on: {@code validation} or {@code heldOutDataset}
     * @param choice  the rule, the threshold and what it gives there
     */
    public record ThresholdDoc(String heldOut, io.netforge.tabular.ThresholdRule.Choice choice) {
    }

    /** The network's layers and functions, as the weights need them. */
    public Architecture architecture() {
        List<Activation> activations = new ArrayList<>();
        for (String id : network.activation()) {
            Activation activation = Activation.byId(id);
            if (activation == null) {
                throw new IllegalStateException("model " + id() + ": unknown activation " + id);
            }
            activations.add(activation);
        }
        Objective output = Objective.byId(objective);
        if (output == null) {
            throw new IllegalStateException("model " + id() + ": unknown objective " + objective);
        }
        return new Architecture(layerSizes, activations, output);
    }

    /**
     * How a training ended.
     *
     * @param epochs         epochs run (fewer than maxIterations when early stopping ended it)
     * @param stoppedBy      {@code maxIterations} or {@code earlyStopping}
     * @param bestEpoch      with early stopping, the epoch whose weights the model has; else null
     * @param validationRows with early stopping, the training rows held out to validate on; else null
     * @param classWeights   with class weights, each class's weight in the loss, by label; else null
     * @param predictMicrosPerRow the forward pass over every training row after training, in microseconds per row
     *                       (a measurement of the machine that trained it, not part of the model; null before it
     *                       was recorded)
     */
    public record TrainingSummary(int epochs, String stoppedBy, Integer bestEpoch, Long validationRows,
            Map<String, Double> classWeights, Double predictMicrosPerRow) {

        public TrainingSummary(int epochs, String stoppedBy, Integer bestEpoch, Long validationRows,
                Map<String, Double> classWeights) {
            this(epochs, stoppedBy, bestEpoch, validationRows, classWeights, null);
        }
    }

    /** Column means and (population) standard deviations of the training rows; a row becomes (x - mean) / sd. */
    public record StandardizationDoc(double[] mean, double[] sd) {
    }

    /** The loss of the parameters an iteration started from. */
    public record LossPoint(int iteration, double loss) {
    }

    /**
     * @param encoding always {@code float64-le}: IEEE 754 binary64, little-endian
     * @param order    the order of the values: for each layer l = 1..L, W_l row-major (inputs x outputs), then b_l
     * @param values   number of values
     * @param sha256   hex SHA-256 of the bytes, checked on load
     */
    public record WeightsLayout(String encoding, String order, long values, String sha256) {

        public static final String ENCODING = "float64-le";
        public static final String ORDER = "per layer: W row-major (inputs x outputs), then b (outputs)";
    }

    /**
     * Where the model came from.
     *
     * @param trainer          which implementation of backpropagation trained it
     * @param rowsWithoutLabel rows of the dataset(s) left out because their label was missing (null before format 3)
     * @param excludedColumns  columns of the dataset that were not features by default, and why (text columns: ids
     *                         and free text); null when there were none, and in models trained before they existed
     */
    public record Provenance(UUID datasetId, String datasetSha256, UUID testDatasetId, String testDatasetSha256,
            Double testFraction, long trainRows, long testRows, long seed, int iterations, double trainingSeconds,
            String trainer, Instant trainedAt, String netforgeVersion, String nd4jVersion, String javaVersion,
            String os, Long rowsWithoutLabel, List<ExcludedColumn> excludedColumns) {
    }

    /**
     * Something a model's user should know before trusting it.
     *
     * @param code       stable, for programs and the {@code netforge_model_warnings_total} counter
     * @param message    one sentence naming the evidence
     * @param suggestion what to try
     */
    public record Warning(String code, String message, String suggestion) {
    }

    /** A column a model did not learn from although its dataset has it. */
    public record ExcludedColumn(String name, String reason) {
    }
}

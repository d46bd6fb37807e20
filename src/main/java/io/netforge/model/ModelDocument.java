package io.netforge.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.netforge.dataset.DatasetInfo;
import io.netforge.network.NetworkSpec;

/**
 * A fitted model described in full, as persisted beside its weights: everything needed to use it
 * (feature order, label classes, standardisation, threshold, layer shapes, weight encoding) and to know
 * where it came from (spec, data hashes, seed, library versions). {@link #FORMAT_VERSION} is checked on
 * load, so an incompatible future format fails loudly instead of predicting nonsense.
 *
 * @param features        feature names; a row at predict time has these values in this order
 * @param classes         the two label classes: index 0 is encoded 0 (negative), index 1 is positive
 * @param standardization applied to a row before the network sees it; null when the spec turned it off
 * @param layerSizes      [inputs, hidden widths..., 1]
 * @param weights         how the weight bytes stored beside this document are laid out
 */
public record ModelDocument(int formatVersion, UUID id, String name, List<String> features, String label,
        List<ClassValue> classes, StandardizationDoc standardization, NetworkSpec network, List<Integer> layerSizes,
        WeightsLayout weights, Metrics.TrainTest metrics, List<LossPoint> lossCurve, Provenance provenance) {

    public static final int FORMAT_VERSION = 1;

    public ModelDocument {
        features = List.copyOf(features);
        classes = List.copyOf(classes);
        layerSizes = List.copyOf(layerSizes);
        lossCurve = List.copyOf(lossCurve);
    }

    /** A class as uploaded; {@code numeric} classes are answered as JSON numbers. */
    public record ClassValue(String value, boolean numeric) {

        /** The value for a JSON answer: a number when the labels were numeric, else the text. */
        public Object json() {
            return DatasetInfo.jsonValue(value, numeric);
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
     * @param trainer which implementation of backpropagation trained it
     */
    public record Provenance(UUID datasetId, String datasetSha256, UUID testDatasetId, String testDatasetSha256,
            Double testFraction, long trainRows, long testRows, long seed, int iterations, double trainingSeconds,
            String trainer, Instant trainedAt, String netforgeVersion, String nd4jVersion, String javaVersion,
            String os) {
    }
}

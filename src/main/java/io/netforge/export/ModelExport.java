package io.netforge.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.netforge.compute.Activation;
import io.netforge.compute.Objective;
import io.netforge.model.ModelDocument;
import io.netforge.model.StoredModel;
import io.netforge.model.WeightsCodec;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fitted model as plain arrays another runtime can apply: per layer {@code W<l>} (inputs x outputs) and
 * {@code b<l>}, the standardisation {@code mean} and {@code sd} of the network's inputs, and a header that says how
 * the rest fits together (features, the encoding of categorical and missing values into inputs, each layer's
 * activation, the output function, the threshold, a regression's target scale, provenance). As an npz (numpy's zip
 * of .npy files, written with ND4J's npy writer; the header is the UTF-8 JSON as an int32 array {@code header} of its bytes), or as
 * one JSON document.
 */
final class ModelExport {

    /** The header's {@code format}; {@code version} changes when its meaning does. */
    static final String FORMAT = "netforge-export";
    static final int VERSION = 1;

    private final ModelDocument document;
    private final WeightsCodec.Layers layers;

    ModelExport(StoredModel model) {
        this.document = model.document();
        this.layers = WeightsCodec.layers(model);
    }

    /** The header: everything but the arrays. */
    Map<String, Object> header() {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", FORMAT);
        header.put("version", VERSION);
        header.put("modelId", document.id());
        header.put("name", document.name());
        header.put("task", document.task());
        header.put("features", document.features());
        header.put("label", document.label());
        header.put("classes", document.readout().classValues());
        header.put("inputs", document.preprocessing().inputNames());
        header.put("preprocessing", document.preprocessing());
        header.put("standardize", document.standardization() != null);
        List<Integer> sizes = document.layerSizes();
        List<Activation> activations = document.architecture().activations();
        List<Map<String, Object>> described = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.size(); l++) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("weights", "W" + l);
            layer.put("bias", "b" + l);
            layer.put("inputs", sizes.get(l));
            layer.put("outputs", sizes.get(l + 1));
            layer.put("activation", l < activations.size() ? activations.get(l).id() : output(document.architecture()
                    .objective()));
            described.add(layer);
        }
        header.put("layers", described);
        header.put("leakyReluSlope", Activation.LEAKY_SLOPE);
        header.put("output", output(document.architecture().objective()));
        if (document.task().thresholded()) {
            header.put("threshold", document.threshold());
        }
        if (document.calibration() != null) {
            // applied to the output function's probabilities: see Calibration for each method's formula
            header.put("calibration", document.calibration());
        }
        if (document.thresholdChoice() != null) {
            header.put("thresholdChoice", document.thresholdChoice());
        }
        if (document.target() != null) {
            header.put("target", document.target());
        }
        header.put("precision", document.network().precision());
        header.put("provenance", document.provenance());
        // the rest of the model, so that POST /models/import serves it as it was
        header.put("network", document.network());
        header.put("objective", document.objective());
        header.put("metrics", document.metrics());
        header.put("training", document.training());
        header.put("lossCurve", document.lossCurve());
        header.put("validationLossCurve", document.validationLossCurve());
        header.put("roc", document.roc());
        header.put("warnings", document.warnings());
        return header;
    }

    /** The function of the last layer: sigmoid, softmax or identity. */
    static String output(Objective objective) {
        return switch (objective) {
            case SIGMOID_CROSS_ENTROPY -> "sigmoid";
            case SOFTMAX_CROSS_ENTROPY -> "softmax";
            case SQUARED_ERROR -> "identity";
        };
    }

    /** The arrays by name: W0, b0, W1, b1, ... and with standardisation mean and sd. */
    Map<String, double[][]> arrays() {
        Map<String, double[][]> arrays = new LinkedHashMap<>();
        List<Integer> sizes = document.layerSizes();
        for (int l = 0; l + 1 < sizes.size(); l++) {
            double[] w = layers.weights().get(l);
            int in = sizes.get(l);
            int out = sizes.get(l + 1);
            double[][] matrix = new double[in][out];
            for (int i = 0; i < in; i++) {
                System.arraycopy(w, i * out, matrix[i], 0, out);
            }
            arrays.put("W" + l, matrix);
            arrays.put("b" + l, new double[][] {layers.biases().get(l)});
        }
        if (document.standardization() != null) {
            arrays.put("mean", new double[][] {document.standardization().mean()});
            arrays.put("sd", new double[][] {document.standardization().sd()});
        }
        return arrays;
    }

    /** Biases, mean and sd are vectors (one row in {@link #arrays}). */
    private static boolean vector(String name) {
        return name.startsWith("b") || name.equals("mean") || name.equals("sd");
    }

    byte[] npz(JsonMapper json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            byte[] header = json.writeValueAsBytes(header());
            // int32 code units, one per byte: ND4J's npz reader takes no int8 arrays
            int[] units = new int[header.length];
            for (int i = 0; i < header.length; i++) {
                units[i] = header[i] & 0xff;
            }
            try (INDArray array = Nd4j.createFromArray(units)) {
                entry(zip, "header", array);
            }
            for (Map.Entry<String, double[][]> e : arrays().entrySet()) {
                double[][] values = e.getValue();
                try (INDArray array = vector(e.getKey()) ? Nd4j.createFromArray(values[0])
                        : Nd4j.createFromArray(values)) {
                    entry(zip, e.getKey(), array.castTo(DataType.DOUBLE));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** An uncompressed (STORED) member, as numpy's savez writes them; ND4J's npz reader reads no other kind. */
    private static void entry(ZipOutputStream zip, String name, INDArray array) throws IOException {
        byte[] npy = Nd4j.toNpyByteArray(array);
        ZipEntry entry = new ZipEntry(name + ".npy");
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(npy.length);
        entry.setCompressedSize(npy.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(npy);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(npy);
        zip.closeEntry();
    }

    /** The same as one JSON document: {@code {"header": ..., "arrays": {"W0": [[...]], "b0": [...], ...}}}. */
    Map<String, Object> json() {
        Map<String, Object> arrays = new LinkedHashMap<>();
        arrays().forEach((name, values) -> arrays.put(name, vector(name) ? values[0] : values));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("header", header());
        out.put("arrays", arrays);
        return out;
    }

    String fileName(String extension) {
        String base = document.name().replaceAll("[^A-Za-z0-9._-]+", "_");
        return (base.isEmpty() ? "model" : base) + "." + extension;
    }
}

package io.netforge.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.netforge.compute.Network;
import io.netforge.compute.Predictor;

/**
 * Encodes a network's parameters as the bytes stored beside its {@link ModelDocument}: IEEE 754 float64
 * little-endian, for each layer W row-major then b. Exact for both precisions (a float32 value is a
 * float64 value), so a reloaded model predicts the same probabilities bit for bit.
 */
public final class WeightsCodec {

    private WeightsCodec() {
    }

    public static byte[] encode(Network network) {
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(8, Math.toIntExact(network.parameterCount())))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int layer = 0; layer < network.layerCount(); layer++) {
            for (double w : network.weightsData(layer)) {
                out.putDouble(w);
            }
            for (double b : network.biasData(layer)) {
                out.putDouble(b);
            }
        }
        return out.array();
    }

    /** The same bytes from layers given as arrays: W row-major (inputs x outputs) then b, layer by layer. */
    public static byte[] encode(Layers layers) {
        int values = 0;
        for (int l = 0; l < layers.weights().size(); l++) {
            values = Math.addExact(values, Math.addExact(layers.weights().get(l).length, layers.biases().get(l).length));
        }
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(8, values)).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < layers.weights().size(); l++) {
            for (double w : layers.weights().get(l)) {
                out.putDouble(w);
            }
            for (double b : layers.biases().get(l)) {
                out.putDouble(b);
            }
        }
        return out.array();
    }

    public static ModelDocument.WeightsLayout layout(byte[] bytes) {
        return new ModelDocument.WeightsLayout(ModelDocument.WeightsLayout.ENCODING, ModelDocument.WeightsLayout.ORDER,
                bytes.length / 8, sha256(bytes));
    }

    /** Rebuilds the network a stored model describes, after checking its bytes against the document. */
    public static Network decode(StoredModel model) {
        Layers layers = layers(model);
        return Network.of(model.document().architecture(), layers.weights(), layers.biases(),
                model.document().network().precision());
    }

    /**
     * A predictor of a stored model, straight from its stored weights (no network off-heap for a small one), after
     * checking its bytes against the document.
     */
    public static Predictor predictor(StoredModel model) {
        Layers layers = layers(model);
        return Predictor.of(model.document().architecture(), model.document().network().precision(), layers.weights(),
                layers.biases());
    }

    /**
     * Each layer's weights (row-major, inputs x outputs) and biases, as stored.
     */
    public record Layers(List<double[]> weights, List<double[]> biases) {
    }

    /** The stored weights and biases, layer by layer, after checking their bytes against the document. */
    public static Layers layers(StoredModel model) {
        ModelDocument document = model.document();
        ModelDocument.WeightsLayout layout = document.weights();
        byte[] bytes = model.weights();
        if (!ModelDocument.WeightsLayout.ENCODING.equals(layout.encoding())) {
            throw new IllegalStateException("model " + document.id() + ": unknown weight encoding " + layout.encoding());
        }
        if (bytes.length != layout.values() * 8 || !sha256(bytes).equals(layout.sha256())) {
            throw new IllegalStateException("model " + document.id() + ": stored weights do not match their checksum");
        }
        List<Integer> sizes = document.layerSizes();
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int layer = 0; layer + 1 < sizes.size(); layer++) {
            double[] w = new double[sizes.get(layer) * sizes.get(layer + 1)];
            in.asDoubleBuffer().get(w);
            in.position(in.position() + w.length * 8);
            double[] b = new double[sizes.get(layer + 1)];
            in.asDoubleBuffer().get(b);
            in.position(in.position() + b.length * 8);
            weights.add(w);
            biases.add(b);
        }
        if (in.hasRemaining()) {
            throw new IllegalStateException("model " + document.id() + ": stored weights do not fit its layer sizes");
        }
        return new Layers(weights, biases);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

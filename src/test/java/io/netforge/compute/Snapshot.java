package io.netforge.compute;

import java.util.ArrayList;
import java.util.List;

/** Every parameter and loss of a run as raw bits, so that equality means bit-identical. */
record Snapshot(List<List<Long>> parameters, List<Long> losses) {

    static Snapshot of(Network network, double[] losses) {
        List<List<Long>> parameters = new ArrayList<>();
        for (int l = 0; l < network.layerCount(); l++) {
            parameters.add(bits(network.weightsData(l)));
            parameters.add(bits(network.biasData(l)));
        }
        return new Snapshot(parameters, bits(losses));
    }

    private static List<Long> bits(double[] values) {
        List<Long> bits = new ArrayList<>(values.length);
        for (double value : values) {
            bits.add(Double.doubleToRawLongBits(value));
        }
        return bits;
    }
}

package io.netforge.compute;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The shape of a network and the functions of its layers: {@code layerSizes} is [inputs, hidden widths...,
 * outputs], {@code activations} has one {@link Activation} per hidden layer, and the output layer computes its
 * {@link Objective}'s output function (one unit for the sigmoid and squared error, one per class for the softmax).
 */
public record Architecture(List<Integer> layerSizes, List<Activation> activations, Objective objective) {

    public Architecture {
        if (layerSizes == null || layerSizes.size() < 2) {
            throw new IllegalArgumentException("layerSizes must list the inputs and the output layer, was " + layerSizes);
        }
        layerSizes = List.copyOf(layerSizes);
        if (layerSizes.get(0) < 1) {
            throw new IllegalArgumentException("a network needs at least 1 input, was " + layerSizes.get(0));
        }
        for (int h = 1; h + 1 < layerSizes.size(); h++) {
            if (layerSizes.get(h) < 1) {
                throw new IllegalArgumentException("hidden layer " + (h - 1) + " must have at least 1 unit, was "
                        + layerSizes.get(h));
            }
        }
        if (objective == null) {
            throw new IllegalArgumentException("objective is missing");
        }
        if (!objective.fits(layerSizes.get(layerSizes.size() - 1))) {
            throw new IllegalArgumentException("the output layer of " + objective + " cannot have "
                    + layerSizes.get(layerSizes.size() - 1) + " units, layerSizes were " + layerSizes);
        }
        if (activations == null || activations.size() != layerSizes.size() - 2
                || activations.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("expected one activation per hidden layer (" + (layerSizes.size() - 2)
                    + "), found " + activations);
        }
        activations = List.copyOf(activations);
    }

    /**
     * A network of {@code inputs} inputs, the given hidden layers and their activations (one for all, or one per
     * layer) and the objective's output layer.
     */
    public static Architecture of(int inputs, List<Integer> hiddenLayers, List<Activation> activations,
            Objective objective) {
        return of(inputs, hiddenLayers, activations, objective, 1);
    }

    /** The same with {@code outputs} output units (the classes of a softmax). */
    public static Architecture of(int inputs, List<Integer> hiddenLayers, List<Activation> activations,
            Objective objective, int outputs) {
        if (hiddenLayers == null) {
            throw new IllegalArgumentException("hiddenLayers is missing (use an empty list for none)");
        }
        for (int h = 0; h < hiddenLayers.size(); h++) {
            if (hiddenLayers.get(h) == null) {
                throw new IllegalArgumentException("hidden layer " + h + " must have at least 1 unit, was null");
            }
        }
        List<Integer> sizes = new ArrayList<>(hiddenLayers.size() + 2);
        sizes.add(inputs);
        sizes.addAll(hiddenLayers);
        sizes.add(outputs);
        List<Activation> perLayer = activations != null && activations.size() == 1 && hiddenLayers.size() != 1
                ? Collections.nCopies(hiddenLayers.size(), activations.get(0)) : activations;
        return new Architecture(sizes, perLayer, objective);
    }

    /** The article's network: sigmoid hidden layers and a sigmoid output with cross-entropy. */
    public static Architecture article(int inputs, List<Integer> hiddenLayers) {
        return of(inputs, hiddenLayers, List.of(Activation.SIGMOID), Objective.SIGMOID_CROSS_ENTROPY);
    }

    /** The number of inputs (features). */
    public int inputs() {
        return layerSizes.get(0);
    }

    /** The number of output units. */
    public int outputs() {
        return layerSizes.get(layerSizes.size() - 1);
    }

    /** The hidden layers' widths. */
    public List<Integer> hiddenLayers() {
        return layerSizes.subList(1, layerSizes.size() - 1);
    }

    /** Number of weight matrices: hidden layers + 1. */
    public int layerCount() {
        return layerSizes.size() - 1;
    }

    /** Weights and biases: the sum over layers of (n_in + 1) * n_out. */
    public long parameterCount() {
        long count = 0;
        for (int l = 0; l + 1 < layerSizes.size(); l++) {
            count = Math.addExact(count, Math.multiplyExact(layerSizes.get(l) + 1L, (long) layerSizes.get(l + 1)));
        }
        return count;
    }
}

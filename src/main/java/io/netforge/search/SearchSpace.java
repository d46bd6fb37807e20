package io.netforge.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.netforge.compute.Activation;
import io.netforge.network.NetworkLimits;
import io.netforge.network.NetworkRequest;
import io.netforge.network.OptimizerSpec;
import io.netforge.problem.DomainException;

/**
 * Where a search draws its candidates from; every field optional, a missing one is the default space's. A candidate
 * has {@code depth} hidden layers (uniform between the two bounds), each as wide as a value of {@code widths} drawn
 * on its own; one activation for all of them; an optimizer, and a learning rate log-uniform in that optimizer's
 * range; a batch size and an L2 weight from their lists. Early stopping is always on (the base network's, or its
 * defaults), and the initialisation follows the activation (He for ReLU and leaky ReLU, Xavier for tanh and sigmoid)
 * unless the base network names one.
 *
 * @param depth        [fewest, most] hidden layers; default [1, 3]
 * @param widths       the ladder of layer widths; default 16, 32, 64, 128, 256, 512
 * @param activation   default relu, tanh, leakyRelu
 * @param optimizer    default adam, nesterov
 * @param learningRate per optimizer [low, high]; default adam [0.0001, 0.01], nesterov [0.001, 0.1], momentum
 *                     [0.001, 0.1], gd [0.01, 1]
 * @param batchSize    default 32, 64, 128, 256
 * @param l2           default 0, 0.00001, 0.0001, 0.001
 */
record SearchSpace(List<Integer> depth, List<Integer> widths, List<String> activation, List<String> optimizer,
        Map<String, List<Double>> learningRate, List<Integer> batchSize, List<Double> l2) {

    static final int MAX_VALUES = 100;
    static final List<Integer> DEFAULT_DEPTH = List.of(1, 3);
    static final List<Integer> DEFAULT_WIDTHS = List.of(16, 32, 64, 128, 256, 512);
    static final List<String> DEFAULT_ACTIVATIONS = List.of(Activation.RELU.id(), Activation.TANH.id(),
            Activation.LEAKY_RELU.id());
    static final List<String> DEFAULT_OPTIMIZERS = List.of(OptimizerSpec.ADAM, OptimizerSpec.NESTEROV);
    static final Map<String, List<Double>> DEFAULT_LEARNING_RATES = Map.of(
            OptimizerSpec.ADAM, List.of(1e-4, 1e-2), OptimizerSpec.NESTEROV, List.of(1e-3, 1e-1),
            OptimizerSpec.MOMENTUM, List.of(1e-3, 1e-1), OptimizerSpec.GD, List.of(1e-2, 1.0));
    static final List<Integer> DEFAULT_BATCH_SIZES = List.of(32, 64, 128, 256);
    static final List<Double> DEFAULT_L2 = List.of(0.0, 1e-5, 1e-4, 1e-3);

    static SearchSpace defaults() {
        return new SearchSpace(null, null, null, null, null, null, null).resolved();
    }

    /** This space with every missing field the default's; learning-rate ranges of the optimizers it has. */
    SearchSpace resolved() {
        List<String> optimizers = optimizer == null ? DEFAULT_OPTIMIZERS : optimizer;
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (String type : optimizers) {
            List<Double> given = learningRate == null ? null : learningRate.get(type);
            rates.put(type, given != null ? given : DEFAULT_LEARNING_RATES.get(type));
        }
        return new SearchSpace(depth == null ? DEFAULT_DEPTH : depth, widths == null ? DEFAULT_WIDTHS : widths,
                activation == null ? DEFAULT_ACTIVATIONS : activation, optimizers, rates,
                batchSize == null ? DEFAULT_BATCH_SIZES : batchSize, l2 == null ? DEFAULT_L2 : l2);
    }

    /**
     * Checks a resolved space against the network limits, naming the field ({@code space.widths[2]}).
     *
     * @throws DomainException 400
     */
    void validate(NetworkLimits limits, String prefix) {
        if (depth.size() != 2 || depth.get(0) == null || depth.get(1) == null || depth.get(0) < 1
                || depth.get(0) > depth.get(1) || depth.get(1) > limits.maxHiddenLayers()) {
            throw DomainException.invalidField(prefix + ".depth", "must be [fewest, most] hidden layers, from 1 to "
                    + limits.maxHiddenLayers() + ", got " + depth);
        }
        list(prefix + ".widths", widths);
        for (int i = 0; i < widths.size(); i++) {
            Integer w = widths.get(i);
            if (w == null || w < 1 || w > limits.maxLayerWidth()) {
                throw DomainException.invalidField(prefix + ".widths[" + i + "]", "must be a width from 1 to "
                        + limits.maxLayerWidth() + ", got " + w);
            }
        }
        list(prefix + ".activation", activation);
        for (int i = 0; i < activation.size(); i++) {
            String id = activation.get(i);
            if (id == null || Activation.byId(id) == null) {
                throw DomainException.invalidField(prefix + ".activation[" + i + "]", "'" + id + "' is not an"
                        + " activation; use one of " + String.join(", ", java.util.Arrays.stream(Activation.values())
                        .map(Activation::id).toList()));
            }
        }
        list(prefix + ".optimizer", optimizer);
        for (int i = 0; i < optimizer.size(); i++) {
            if (!OptimizerSpec.TYPES.contains(optimizer.get(i))) {
                throw DomainException.invalidField(prefix + ".optimizer[" + i + "]", "'" + optimizer.get(i)
                        + "' is not an optimizer; use one of " + String.join(", ", OptimizerSpec.TYPES));
            }
        }
        for (Map.Entry<String, List<Double>> range : learningRate.entrySet()) {
            List<Double> r = range.getValue();
            String field = prefix + ".learningRate." + range.getKey();
            if (r == null || r.size() != 2 || r.get(0) == null || r.get(1) == null || !(r.get(0) > 0)
                    || !(r.get(0) <= r.get(1)) || !(r.get(1) <= 10)) {
                throw DomainException.invalidField(field, "must be [low, high] with 0 < low <= high <= 10, got " + r);
            }
        }
        list(prefix + ".batchSize", batchSize);
        for (int i = 0; i < batchSize.size(); i++) {
            Integer b = batchSize.get(i);
            if (b == null || b < 0) {
                throw DomainException.invalidField(prefix + ".batchSize[" + i + "]", "must be 0 (full batch) or a"
                        + " number of rows, got " + b);
            }
        }
        list(prefix + ".l2", l2);
        for (int i = 0; i < l2.size(); i++) {
            Double v = l2.get(i);
            if (v == null || !(v >= 0 && v <= 1000)) {
                throw DomainException.invalidField(prefix + ".l2[" + i + "]", "must be a number from 0 to 1000, got " + v);
            }
        }
    }

    private static void list(String field, List<?> values) {
        if (values.isEmpty() || values.size() > MAX_VALUES) {
            throw DomainException.invalidField(field, "must be a list of 1 to " + MAX_VALUES + " values");
        }
    }

    /**
     * One candidate: what the space draws, before the base network's fixed fields replace any.
     *
     * @param hiddenLayers input side first
     */
    record Candidate(List<Integer> hiddenLayers, String activation, String optimizer, double learningRate,
            int batchSize, double l2) {

        /**
         * The run's network: the base network, its unset fields this candidate's, trained for {@code epochs}.
         */
        NetworkRequest network(NetworkRequest base, long epochs) {
            NetworkRequest.OptimizerRequest optimizerRequest = base.optimizer() != null ? base.optimizer()
                    : new NetworkRequest.OptimizerRequest(optimizer, null, null, null, null);
            String act = base.activation() != null ? null : activation;
            String initialization = base.initialization() != null ? base.initialization()
                    : act == null ? null
                    : act.equals(Activation.TANH.id()) || act.equals(Activation.SIGMOID.id()) ? "xavier" : "he";
            return new NetworkRequest(
                    base.hiddenLayers() != null ? base.hiddenLayers()
                            : hiddenLayers.stream().map(Integer::longValue).toList(),
                    base.learningRate() != null ? base.learningRate() : learningRate, epochs, base.threshold(),
                    base.seed(), base.standardize(), base.precision(),
                    base.activation() != null ? base.activation()
                            : tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(activation),
                    initialization, optimizerRequest,
                    base.batchSize() != null ? base.batchSize() : Long.valueOf(batchSize),
                    base.l2() != null ? base.l2() : l2,
                    base.earlyStopping() != null ? base.earlyStopping()
                            : new NetworkRequest.EarlyStoppingRequest(null, null, null),
                    base.classWeights(), base.thresholdRule(), base.calibration(), null);
        }
    }

    /** The next candidate from {@code random}: the same draws, in the same order, for the same seed. */
    Candidate draw(SplittableRandom random) {
        int layers = depth.get(0) + random.nextInt(depth.get(1) - depth.get(0) + 1);
        List<Integer> hidden = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            hidden.add(widths.get(random.nextInt(widths.size())));
        }
        String act = activation.get(random.nextInt(activation.size()));
        String type = optimizer.get(random.nextInt(optimizer.size()));
        List<Double> range = learningRate.get(type);
        double u = random.nextDouble();
        double rate = Math.exp(Math.log(range.get(0)) + u * (Math.log(range.get(1)) - Math.log(range.get(0))));
        int batch = batchSize.get(random.nextInt(batchSize.size()));
        double penalty = l2.get(random.nextInt(l2.size()));
        return new Candidate(hidden, act, type, rate, batch, penalty);
    }
}

package io.netforge.network;

import io.netforge.problem.DomainException;

import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netforge.support.Fuzzing;

/**
 * Any text as the {@code network} object of {@code POST /models}, read as the service reads it, validated against
 * a binary, a three-class or a regression dataset: it becomes a complete spec within the limits, or is refused with
 * an DomainException (a 4xx naming the field) or a JSON error (400); never another exception or a hang. The corpus is
 * src/test/resources/io/netforge/network/NetworkRequestFuzzTestInputs/; scripts/fuzz.sh fuzzes.
 */
class NetworkRequestFuzzTest {

    private static final NetworkLimits LIMITS = new NetworkLimits(5_000_000, 1_000_000, 32, 65_536);
    private static final NetworkSpecValidator VALIDATOR = new NetworkSpecValidator(LIMITS);
    private static final List<NetworkSpecValidator.Data> DATA = List.of(
            new NetworkSpecValidator.Data(20, List.of("0", "1"), new long[] {400, 600}),
            new NetworkSpecValidator.Data(7, List.of("basic", "plus", "pro"), new long[] {500, 300, 2}),
            new NetworkSpecValidator.Data(12, List.of(), new long[] {1000}));

    /** The fields of a network request and its nested objects, and values they take. */
    static final String[] KEYS = {"hiddenLayers", "learningRate", "maxIterations", "threshold", "seed", "standardize",
        "precision", "activation", "initialization", "optimizer", "batchSize", "l2", "earlyStopping", "classWeights",
        "type", "momentum", "nesterov", "beta1", "beta2", "epsilon", "patience", "validationFraction", "minDelta",
        "0", "1", "basic", "pro"};
    static final String[] WORDS = {"sigmoid", "tanh", "relu", "leakyRelu", "identity", "FLOAT64", "FLOAT32", "float32",
        "normal", "xavier", "he", "sgd", "momentum", "adam", "balanced", "1e309", "NaN", "-0", ""};

    @FuzzTest(maxDuration = "30s")
    void validatesOrRefuses(FuzzedDataProvider data) {
        NetworkSpecValidator.Data dataset = data.pickValue(DATA);
        // mostly a structured request (so the validator is reached), sometimes any text (so the parser is too)
        String body = data.consumeInt(0, 9) == 0 ? data.consumeRemainingAsString()
                : Fuzzing.object(data, 2, KEYS, WORDS).toString();
        try {
            NetworkRequest request = Fuzzing.JSON.readValue(body, NetworkRequest.class);
            NetworkSpec spec = VALIDATOR.validate(request, dataset, "network");
            long parameters = 0;
            int previous = dataset.inputs();
            for (int width : spec.hiddenLayers()) {
                parameters += (long) previous * width + width;
                previous = width;
            }
            if (spec.activation().size() != spec.hiddenLayers().size() || spec.maxIterations() < 1
                    || spec.maxIterations() > LIMITS.maxIterations() || !(spec.learningRate() > 0)
                    || parameters > LIMITS.maxParameters() || spec.hiddenLayers().size() > LIMITS.maxHiddenLayers()) {
                throw new AssertionError("a spec past the validator that it should have refused: " + spec);
            }
        } catch (RuntimeException e) {
            Fuzzing.refused(e);
        }
    }
}

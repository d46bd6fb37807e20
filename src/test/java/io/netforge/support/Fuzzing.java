package io.netforge.support;

import io.netforge.problem.DomainException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/** What the fuzz tests share: the service's JSON settings, and what a refusal is allowed to look like. */
public final class Fuzzing {

    private Fuzzing() {
    }

    /** A mapper with application.yml's spring.jackson settings (strict, as the service reads request bodies). */
    public static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private static final tools.jackson.databind.node.JsonNodeFactory NODES = tools.jackson.databind.node.JsonNodeFactory.instance;

    /**
     * A JSON value drawn from the fuzzer's data, of any type: numbers small, large, fractional, negative, huge;
     * strings from {@code words} or random; booleans, nulls, arrays and objects (keys from {@code words}) nested up
     * to {@code depth}. So that a fuzz target reaches the validation behind the JSON parser, not only the parser.
     */
    public static tools.jackson.databind.JsonNode value(com.code_intelligence.jazzer.api.FuzzedDataProvider data,
            int depth, String... words) {
        int kind = data.consumeInt(0, depth > 0 ? 9 : 7);
        return switch (kind) {
            case 0 -> NODES.numberNode(data.consumeInt(-3, 40));
            case 1 -> NODES.numberNode(data.consumeInt());
            case 2 -> NODES.numberNode(data.consumeLong());
            case 3 -> NODES.numberNode(data.consumeDouble());
            case 4 -> NODES.numberNode(data.consumeProbabilityDouble());
            case 5 -> NODES.stringNode(words.length > 0 && data.consumeBoolean() ? data.pickValue(words)
                    : data.consumeString(12));
            case 6 -> NODES.booleanNode(data.consumeBoolean());
            case 7 -> NODES.nullNode();
            case 8 -> {
                var array = NODES.arrayNode();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    array.add(value(data, depth - 1, words));
                }
                yield array;
            }
            default -> object(data, depth - 1, words, words);
        };
    }

    /** An object of up to five fields named from {@code keys} (or at random), valued by {@link #value}. */
    public static tools.jackson.databind.node.ObjectNode object(com.code_intelligence.jazzer.api.FuzzedDataProvider data,
            int depth, String[] keys, String... words) {
        var object = NODES.objectNode();
        int n = data.consumeInt(0, 5);
        for (int i = 0; i < n; i++) {
            String key = keys.length > 0 && data.consumeInt(0, 9) > 0 ? data.pickValue(keys) : data.consumeString(8);
            object.set(key, value(data, depth, words));
        }
        return object;
    }

    /**
     * A refusal the service answers with a 4xx: an {@link DomainException} of a 4xx status, or a JSON body Jackson could
     * not read (400 by ProblemHandler). Anything else is rethrown, and Jazzer reports it as a finding.
     */
    public static void refused(RuntimeException e) {
        if (e instanceof DomainException api) {
            int status = io.netforge.web.Problems.status(api.kind()).value();
            if (status < 400 || status >= 500) {
                throw new AssertionError("an DomainException of status " + status + ": " + api.getMessage(), api);
            }
            if (api.getMessage() == null || api.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a detail", api);
            }
            return;
        }
        if (e instanceof JacksonException) {
            return;
        }
        throw e;
    }
}

package io.netforge.tabular;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netforge.compute.Evaluation;
import io.netforge.compute.MulticlassEvaluation;
import io.netforge.compute.RegressionEvaluation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * netforge's metrics and preprocessing against scikit-learn's on the same inputs: the values in
 * src/test/resources/reference/sklearn, written by src/test/python/sklearn_fixtures.py.
 */
class SklearnReferenceTest {

    private static final double TOLERANCE = 1e-12;

    private static JsonNode fixture(String name) {
        String resource = "/reference/sklearn/" + name + ".json";
        try (InputStream in = SklearnReferenceTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] doubles(JsonNode array) {
        return array.values().stream().mapToDouble(JsonNode::asDouble).toArray();
    }

    private static int[] ints(JsonNode array) {
        return array.values().stream().mapToInt(JsonNode::asInt).toArray();
    }

    @Test
    void binaryMetricsAreScikitLearns() {
        for (JsonNode c : fixture("metrics").get("binary")) {
            int[] labels = ints(c.get("labels"));
            byte[] bytes = new byte[labels.length];
            for (int i = 0; i < labels.length; i++) {
                bytes[i] = (byte) labels[i];
            }
            Evaluation e = Evaluation.of(doubles(c.get("probabilities")), bytes, 0.5);
            assertThat(e.auc()).isCloseTo(c.get("auc").asDouble(), within(TOLERANCE));
            assertThat(e.averagePrecision()).isCloseTo(c.get("averagePrecision").asDouble(), within(TOLERANCE));
            assertThat(e.logLoss()).isCloseTo(c.get("logLoss").asDouble(), within(TOLERANCE));
            assertThat(e.accuracy()).isCloseTo(c.get("accuracy").asDouble(), within(TOLERANCE));
        }
    }

    @Test
    void multiclassMetricsAreScikitLearns() {
        for (JsonNode c : fixture("metrics").get("multiclass")) {
            int k = c.get("classes").asInt();
            double[][] p = c.get("probabilities").values().stream().map(SklearnReferenceTest::doubles)
                    .toArray(double[][]::new);
            MulticlassEvaluation e = MulticlassEvaluation.of(p, ints(c.get("labels")), k);
            assertThat(e.accuracy()).isCloseTo(c.get("accuracy").asDouble(), within(TOLERANCE));
            assertThat(e.logLoss()).isCloseTo(c.get("logLoss").asDouble(), within(TOLERANCE));
            assertThat(e.macroF1()).isCloseTo(c.get("macroF1").asDouble(), within(TOLERANCE));
            assertThat(e.weightedF1()).isCloseTo(c.get("weightedF1").asDouble(), within(TOLERANCE));
            assertThat(e.precision()).containsExactly(doubles(c.get("precision")), within(TOLERANCE));
            assertThat(e.recall()).containsExactly(doubles(c.get("recall")), within(TOLERANCE));
            for (int a = 0; a < k; a++) {
                assertThat(e.confusion()[a]).containsExactly(c.get("confusion").get(a).values().stream()
                        .mapToLong(JsonNode::asLong).toArray());
            }
            assertThat(e.aucOneVsRest()).isCloseTo(c.get("aucOneVsRest").asDouble(), within(TOLERANCE));
        }
    }

    @Test
    void regressionMetricsAreScikitLearns() {
        for (JsonNode c : fixture("metrics").get("regression")) {
            RegressionEvaluation e = RegressionEvaluation.of(doubles(c.get("predicted")), doubles(c.get("actual")));
            assertThat(e.rmse()).isCloseTo(c.get("rmse").asDouble(), within(TOLERANCE));
            assertThat(e.mae()).isCloseTo(c.get("mae").asDouble(), within(TOLERANCE));
            assertThat(e.r2()).isCloseTo(c.get("r2").asDouble(), within(TOLERANCE));
        }
    }

    /**
     * The same table encoded by an {@link Encoding} fitted on its training rows: imputation, missing indicators
     * (only for features with missing training values) and one-hot levels (of the training rows, the missing level
     * included; unknown test levels all zeros) as SimpleImputer, MissingIndicator and OneHotEncoder have them.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "mean", "median", "constant" })
    void encodesAsSimpleImputerMissingIndicatorAndOneHotEncoderDo(String imputation) {
        JsonNode f = fixture("preprocessing");
        JsonNode train = f.get("train");
        JsonNode test = f.get("test");
        List<EncodingFit.Source> sources = new ArrayList<>();
        List<List<String>> levels = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            if (j < 2) {
                sources.add(new EncodingFit.Source("f" + j, ColumnKind.NUMERIC, null));
                levels.add(null);
                continue;
            }
            TreeSet<String> values = new TreeSet<>(); // the dataset's levels: both files', sorted
            for (JsonNode rows : List.of(train, test)) {
                for (JsonNode row : rows) {
                    if (!row.get(j).isNull()) {
                        values.add(row.get(j).asString());
                    }
                }
            }
            levels.add(List.copyOf(values));
            sources.add(new EncodingFit.Source("f" + j, ColumnKind.CATEGORICAL,
                    values.stream().map(v -> new Encoding.Level(v, null)).toList()));
        }
        DoubleBuffer trainValues = raw(train, levels);
        DoubleBuffer testValues = raw(test, levels);
        PreprocessingSpec spec = new PreprocessingSpec(imputation, imputation.equals("constant")
                ? f.get("constantFill").asDouble() : null, true, PreprocessingSpec.IGNORE);

        Encoding encoding = EncodingFit.fit(sources, trainValues, train.size(), spec);
        EncodingFit.toRaw(encoding, sources, testValues, test.size());

        for (int r = 0; r < test.size(); r++) {
            double[] row = new double[4];
            testValues.get(r * 4, row, 0, 4);
            double[] encoded = new double[encoding.width()];
            encoding.encode(row, 0, encoded, 0);
            assertThat(encoded).as("test row %d", r)
                    .containsExactly(doubles(f.get("encoded").get(imputation).get(r)), within(TOLERANCE));
        }
    }

    /** Rows as the loader hands them over: numbers, the dataset's level codes, NaN for missing. */
    private static DoubleBuffer raw(JsonNode rows, List<List<String>> levels) {
        DoubleBuffer values = DoubleBuffer.allocate(rows.size() * 4);
        for (int r = 0; r < rows.size(); r++) {
            for (int j = 0; j < 4; j++) {
                JsonNode v = rows.get(r).get(j);
                values.put(r * 4 + j, v.isNull() ? Double.NaN : j < 2 ? v.asDouble() : levels.get(j).indexOf(v.asString()));
            }
        }
        return values;
    }
}

package io.netforge.prediction;

import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netforge.problem.DomainException;
import io.netforge.support.Fuzzing;
import io.netforge.tabular.CategoricalFeature;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Feature;
import io.netforge.tabular.NumericFeature;
import io.netforge.tabular.PreprocessingSpec;

/**
 * Any text as a {@code /predict} body for a model of numeric and categorical features (ignoring or refusing unseen
 * levels): it becomes one value per feature per row (a number, a level index, -1 or NaN) or is refused with an
 * DomainException (a 4xx naming the row and field) or a JSON error (400); never another exception or a hang. The
 * corpus is src/test/resources/io/netforge/prediction/PredictBodyFuzzTestInputs/; scripts/fuzz.sh fuzzes.
 */
class PredictBodyFuzzTest {

    private static final List<Encoding> MODELS = List.of(
            new Encoding(List.of(new NumericFeature("age", 40.0, true),
                    new CategoricalFeature("country", List.of(new Encoding.Level("France", null),
                            new Encoding.Level("Spain", null), new Encoding.Level("3", 3.0)), true),
                    new NumericFeature("income", 25000.0, false)), PreprocessingSpec.IGNORE),
            new Encoding(List.of(new NumericFeature("x0", 0.0, false),
                    new CategoricalFeature("city", List.of(new Encoding.Level("east", null)), false)),
                    PreprocessingSpec.ERROR));

    static final String[] KEYS = {"rows", "instances", "age", "country", "income", "x0", "city"};
    static final String[] WORDS = {"France", "Spain", "3", "3.0", "east", "west", "NaN", "Infinity", "", "1e400"};

    @FuzzTest(maxDuration = "30s")
    void readsOrRefuses(FuzzedDataProvider data) {
        Encoding encoding = data.pickValue(MODELS);
        String body;
        int shape = data.consumeInt(0, 9);
        if (shape == 0) {
            body = data.consumeRemainingAsString();
        } else {
            // {"rows": [[...], ...]} or {"instances": [{...}, ...]}, rows of any values, sometimes both or neither
            var request = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            var rows = request.putArray(shape % 2 == 0 ? "rows" : "instances");
            int n = data.consumeInt(0, 60);
            for (int r = 0; r < n; r++) {
                if (shape % 2 == 0) {
                    var row = rows.addArray();
                    int width = data.consumeInt(0, 4);
                    for (int c = 0; c < width; c++) {
                        row.add(Fuzzing.value(data, 1, WORDS));
                    }
                } else {
                    rows.add(Fuzzing.object(data, 1, KEYS, WORDS));
                }
            }
            if (shape == 9) {
                request.set("rows", Fuzzing.value(data, 2, WORDS));
            }
            body = request.toString();
        }
        try {
            double[][] rows = new PredictBody(encoding, 50).read(
                    new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)), Fuzzing.JSON);
            for (double[] row : rows) {
                if (row.length != encoding.features().size()) {
                    throw new AssertionError("a row of " + row.length + " values for " + encoding.features().size());
                }
                for (int c = 0; c < row.length; c++) {
                    Feature f = encoding.features().get(c);
                    double v = row[c];
                    boolean ok = f instanceof CategoricalFeature cf ? Double.isNaN(v) || (v == Math.rint(v) && v >= -1
                            && v < cf.levels().size()) : Double.isNaN(v) || Double.isFinite(v);
                    if (!ok) {
                        throw new AssertionError("feature " + f.name() + " got " + v);
                    }
                }
                double[] encoded = new double[encoding.width()];
                encoding.encode(row, 0, encoded, 0);
            }
        } catch (RuntimeException e) {
            Fuzzing.refused(e);
        }
    }
}

package io.netforge.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.netforge.tabular.DateFeature;
import io.netforge.tabular.DateTimes;
import io.netforge.tabular.PreprocessingSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real-world table (dates with a gap, date-times, booleans in two spellings, a unique title, gaps in numbers and
 * categories) read by netforge and by pandas (src/test/python/pandas_fixtures.py, checked in): the same column
 * kinds, missing counts, levels, ranges, and each date's calendar parts as pandas' .dt accessors give them.
 */
class PandasReferenceTest {

    private static final Path DIR = Path.of("src/test/resources/reference/pandas");

    @Test
    void readsEachColumnAsPandasDoes() throws Exception {
        JsonNode reference = JsonMapper.builder().build().readTree(DIR.resolve("real-world-pandas.json").toFile());
        CsvDatasetParserTest.Recorder sink = new CsvDatasetParserTest.Recorder();
        List<long[]> cells = new ArrayList<>();
        CsvDatasetParser.Result result = new CsvDatasetParser(1L << 30, 100, 1000, CsvDatasetParser.DEFAULT_MISSING)
                .parse(new ByteArrayInputStream(Files.readAllBytes(DIR.resolve("real-world.csv"))), "file",
                        CsvDatasetParser.Options.defaults(), new CsvDatasetParser.Sink() {
                            @Override
                            public void start(CsvDatasetParser.Header header) {
                                sink.start(header);
                            }

                            @Override
                            public void chunk(int index, long firstRow, int rows, long[] chunk) {
                                int width = sink.header.columns().size();
                                for (int r = 0; r < rows; r++) {
                                    cells.add(java.util.Arrays.copyOfRange(chunk, r * width, (r + 1) * width));
                                }
                            }
                        });
        assertThat(result.rows()).isEqualTo(reference.get("rows").asLong());

        int position = 0;
        for (Map.Entry<String, JsonNode> entry : reference.get("columns").properties()) {
            String name = entry.getKey();
            JsonNode pandas = entry.getValue();
            DatasetColumn column = result.columns().get(position).column();
            assertThat(column.name()).isEqualTo(name);
            assertThat(column.type().id()).as(name).isEqualTo(pandas.get("kind").asString());
            assertThat(column.missing()).as(name).isEqualTo(pandas.get("missing").asLong());
            switch (column.type()) {
                case CATEGORICAL, BOOLEAN -> assertThat(column.levels()).extracting(DatasetColumn.Level::value).as(name)
                        .containsExactlyInAnyOrderElementsOf(pandas.get("levels").values().stream()
                                .map(JsonNode::asString).toList());
                case TEXT -> {
                    assertThat(column.distinct()).as(name).isEqualTo(pandas.get("distinct").asLong());
                    assertThat(column.unique()).as(name).isEqualTo(pandas.get("unique").asBoolean());
                }
                case NUMERIC -> {
                    assertThat(column.min()).as(name).isEqualTo(pandas.get("min").asDouble());
                    assertThat(column.max()).as(name).isEqualTo(pandas.get("max").asDouble());
                }
                case DATETIME -> {
                    assertThat(DateTimes.iso(column.min())).as(name).isEqualTo(pandas.get("min").asString());
                    assertThat(DateTimes.iso(column.max())).as(name).isEqualTo(pandas.get("max").asString());
                    assertSameParts(name, position, column, cells, pandas.get("parts"));
                }
                default -> throw new AssertionError("unexpected kind " + column.type());
            }
            position++;
        }
    }

    /** Every row's year, month, day, ISO weekday, day of year and (with times) hour, as pandas gives them. */
    private static void assertSameParts(String name, int position, DatasetColumn column, List<long[]> cells,
            JsonNode parts) {
        double[] seconds = cells.stream().mapToDouble(row -> Double.longBitsToDouble(row[position])).toArray();
        DateFeature feature = (DateFeature) column.type().fit(column.source(), seconds, PreprocessingSpec.DEFAULT);
        double[] inputs = new double[feature.width()];
        for (int r = 0; r < seconds.length; r++) {
            JsonNode expected = parts.get(r);
            if (expected.isNull()) {
                assertThat(seconds[r]).as("%s row %d", name, r + 1).isNaN();
                continue;
            }
            feature.encode(seconds[r], inputs, 0);
            int compared = feature.hours() ? 6 : 5;
            for (int p = 0; p < compared; p++) {
                assertThat(inputs[p]).as("%s row %d part %d", name, r + 1, p)
                        .isCloseTo(expected.get(p).asDouble(), org.assertj.core.data.Offset.offset(1e-9));
            }
            if (!feature.hours()) {
                assertThat(expected.get(5).asDouble()).as("%s: pandas sees no time either", name).isZero();
            }
        }
    }
}

package io.netforge.dataset;

import io.netforge.problem.DomainException;

import java.io.ByteArrayInputStream;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netforge.support.Fuzzing;

/**
 * Any bytes as a CSV upload, with any label, delimiter, categorical, ignore and missing options: the parser
 * either stores rows whose cells fit the header or refuses with an DomainException (a 4xx naming the row and
 * column); never another exception, a hang, or memory beyond its limits (1 MiB body, 50 columns, 100 levels).
 * The corpus is src/test/resources/io/netforge/dataset/CsvParserFuzzTestInputs/; scripts/fuzz.sh fuzzes.
 */
class CsvParserFuzzTest {

    private static final CsvDatasetParser PARSER = new CsvDatasetParser(1 << 20, 50, 100,
            CsvDatasetParser.DEFAULT_MISSING);

    @FuzzTest(maxDuration = "30s")
    void parsesOrRefuses(FuzzedDataProvider data) {
        String label = data.consumeBoolean() ? data.consumeString(12) : null;
        String delimiter = data.consumeBoolean() ? data.pickValue(new String[] {",", ";", "tab", "comma", "|", ""}) : null;
        List<String> categorical = data.consumeBoolean() ? List.of(data.consumeString(8)) : null;
        List<String> ignore = data.consumeBoolean() ? List.of(data.consumeString(8)) : null;
        List<String> missing = data.consumeBoolean() ? List.of(data.consumeString(6), data.consumeString(6)) : null;
        byte[] body = data.consumeRemainingAsBytes();
        CheckingSink sink = new CheckingSink();
        try {
            CsvDatasetParser.Result result = PARSER.parse(new ByteArrayInputStream(body), "request body",
                    new CsvDatasetParser.Options(label, delimiter, categorical, ignore, missing), sink);
            if (result == null || sink.rows < 0) {
                throw new AssertionError("a parse without a result");
            }
        } catch (RuntimeException e) {
            Fuzzing.refused(e);
        }
    }

    /** Checks every chunk against the header the parser announced. */
    static final class CheckingSink implements CsvDatasetParser.Sink {
        int columns = -1;
        long rows;

        @Override
        public void start(CsvDatasetParser.Header header) {
            columns = header.columns().size();
        }

        @Override
        public void chunk(int index, long firstRow, int count, long[] cells) {
            if (columns < 0 || firstRow != rows || cells.length < (long) count * columns) {
                throw new AssertionError("chunk " + index + " of " + count + " rows from row " + firstRow
                        + " does not fit a header of " + columns + " columns after " + rows + " rows");
            }
            rows += count;
        }
    }
}

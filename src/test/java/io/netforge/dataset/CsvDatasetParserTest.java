package io.netforge.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;

import io.netforge.system.ApiException;

/** The CSV parser alone, without Spring or a database. */
class CsvDatasetParserTest {

    private static final long LIMIT = 1 << 20;

    /** Keeps copies of everything the parser hands out. */
    static final class Recorder implements CsvDatasetParser.Sink {
        List<String> features;
        String label;
        final List<double[]> rows = new ArrayList<>();
        final List<Integer> codes = new ArrayList<>();
        final List<long[]> chunks = new ArrayList<>(); // index, firstRow, rows

        @Override
        public void start(List<String> features, String label) {
            assertThat(this.features).as("start is called once").isNull();
            this.features = features;
            this.label = label;
        }

        @Override
        public void chunk(int index, long firstRow, int count, double[] values, byte[] labelCodes) {
            int width = features.size();
            assertThat(values).hasSize(count * width);
            assertThat(labelCodes).hasSize(count);
            assertThat(firstRow).isEqualTo(rows.size());
            chunks.add(new long[] { index, firstRow, count });
            for (int r = 0; r < count; r++) {
                double[] row = new double[width];
                System.arraycopy(values, r * width, row, 0, width);
                rows.add(row);
                codes.add((int) labelCodes[r]);
            }
        }
    }

    private final Recorder sink = new Recorder();

    private CsvDatasetParser.Result parse(String csv) {
        return parse(csv, null);
    }

    private CsvDatasetParser.Result parse(String csv, String label) {
        return parse(csv.getBytes(StandardCharsets.UTF_8), label);
    }

    private CsvDatasetParser.Result parse(byte[] csv, String label) {
        return new CsvDatasetParser(LIMIT, 100).parse(new ByteArrayInputStream(csv), "request body", label, sink);
    }

    private static ApiException failure(Runnable parse) {
        try {
            parse.run();
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("expected the upload to be rejected");
    }

    @Test
    void parsesFeaturesInColumnOrderAndTheLastColumnAsLabel() {
        CsvDatasetParser.Result result = parse("a,b,y\n1,2.5,0\n-3,4e2,1\n");

        assertThat(result.features()).containsExactly("a", "b");
        assertThat(result.label()).isEqualTo("y");
        assertThat(result.rows()).isEqualTo(2);
        assertThat(result.numericLabels()).isTrue();
        assertThat(sink.rows).containsExactly(new double[] { 1, 2.5 }, new double[] { -3, 400 });
        assertThat(result.classes()).extracting(CsvDatasetParser.ParsedClass::value).containsExactly("0", "1");
    }

    @Test
    void storesLabelsInFirstSeenOrderAndReportsTheSortedMapping() {
        CsvDatasetParser.Result result = parse("a,y\n1,1\n2,0\n3,1\n");

        // "1" was seen first, so it is stored as 0, but it is class 1 once sorted.
        assertThat(sink.codes).containsExactly(0, 1, 0);
        assertThat(result.classes()).containsExactly(new CsvDatasetParser.ParsedClass("0", 1, 1),
                new CsvDatasetParser.ParsedClass("1", 2, 0));
    }

    @ParameterizedTest(name = "{0} and {1} -> class 0 is {2}")
    @CsvSource({ "1, -1, -1", "10, 9, 9", "0.5, -2e1, -2e1", "yes, no, no", "b, B, B", "10, x, 10" })
    void sortsClassesNumericallyWhenBothAreNumbersElseByText(String first, String second, String class0) {
        CsvDatasetParser.Result result = parse("a,y\n1," + first + "\n2," + second + "\n");

        assertThat(result.classes().get(0).value()).isEqualTo(class0);
    }

    @Test
    void takesTheLabelColumnByNameFromTheMiddle() {
        CsvDatasetParser.Result result = parse("a,y,b\n1,yes,2\n3,no,4\n", "y");

        assertThat(result.features()).containsExactly("a", "b");
        assertThat(result.label()).isEqualTo("y");
        assertThat(sink.rows).containsExactly(new double[] { 1, 2 }, new double[] { 3, 4 });
        assertThat(result.numericLabels()).isFalse();
        assertThat(result.classes()).extracting(CsvDatasetParser.ParsedClass::value).containsExactly("no", "yes");
    }

    @Test
    void acceptsBomCrlfQuotesSpacesAndTrailingEmptyLines() {
        byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
        String text = " a ,\"b\",y\r\n\"1.5\", 2 ,\"no\"\r\n\r\n  -7\t,\" 8 \", yes\r\n\r\n  \r\n";
        byte[] bytes = concat(bom, text.getBytes(StandardCharsets.UTF_8));

        CsvDatasetParser.Result result = parse(bytes, null);

        assertThat(result.features()).containsExactly("a", "b");
        assertThat(sink.rows).containsExactly(new double[] { 1.5, 2 }, new double[] { -7, 8 });
        assertThat(result.classes()).extracting(CsvDatasetParser.ParsedClass::value).containsExactly("no", "yes");
        assertThat(result.sizeBytes()).isEqualTo(bytes.length);
        assertThat(result.sha256()).isEqualTo(sha256(bytes)); // of the bytes as uploaded, BOM included
    }

    @Test
    void cutsRowsIntoChunksOfBoundedSize() {
        StringBuilder csv = new StringBuilder("a,b,c,y\n");
        for (int i = 0; i < 10; i++) {
            csv.append(i).append(',').append(i + 0.5).append(',').append(-i).append(',').append(i % 2).append('\n');
        }
        // 3 features * 8 bytes = 24 bytes a row: 100 bytes hold 4 rows.
        CsvDatasetParser.Result result = new CsvDatasetParser(LIMIT, 100, 100)
                .parse(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), "file", null, sink);

        assertThat(result.chunks()).isEqualTo(3);
        assertThat(sink.chunks).containsExactly(new long[] { 0, 0, 4 }, new long[] { 1, 4, 4 }, new long[] { 2, 8, 2 });
        assertThat(sink.rows.get(9)).containsExactly(9, 9.5, -9);
    }

    @Test
    void parsesNumbersExactlyAsDoubleParseDoubleDoes() {
        String[] texts = { "0.1", "-0", "1e-320", "4.9e-324", "1.7976931348623157e308", "123456789012345678901234567890",
                "+.5", "5.", "0.30000000000000004" };
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < texts.length; i++) {
            csv.append(texts[i]).append(',').append(i % 2).append('\n');
        }
        parse(csv.toString());

        for (int i = 0; i < texts.length; i++) {
            assertThat(Double.doubleToRawLongBits(sink.rows.get(i)[0]))
                    .as(texts[i]).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(texts[i])));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "1", "-1", "+1.5", ".5", "5.", "1e5", "1E-5", "-1.25e+10" })
    void recognisesDecimalNumbers(String text) {
        assertThat(CsvDatasetParser.isDecimal(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "-", ".", "e5", "1e", "1e+", "NaN", "Infinity", "0x1p3", "1d", "1f", "1,5", "1 2",
            "١", "--1", "1.2.3" })
    void rejectsWhatIsNotAPlainDecimalNumber(String text) {
        assertThat(CsvDatasetParser.isDecimal(text)).isFalse();
    }

    @Test
    void countsRowsAndLinesPastEmptyLinesAndMultiLineQuotedFields() {
        String csv = "a,y\n\n1,0\n\"2\n\",1\n3,x\n";
        // rows: 1 on line 3, 2 on lines 4-5, row 3 on line 6; its 'x' is the third label value.
        ApiException e = failure(() -> parse(csv));

        assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(e.getMessage()).isEqualTo("row 2 (line 4), column 'a': '2\n' is not a number");
    }

    @Test
    void namesRowAndLineOfARaggedRow() {
        ApiException e = failure(() -> parse("a,b,y\r\n1,2,0\r\n\r\n3,1\r\n"));

        assertThat(e.getMessage()).isEqualTo("row 2 (line 4): expected 3 columns, found 2");
        assertThat(e.properties()).containsEntry("row", 2L).containsEntry("line", 4L);
    }

    @Test
    void stopsWithTheThirdLabelValueNamingAllThree() {
        ApiException e = failure(() -> parse("a,y\n1,cat\n2,dog\n3,cat\n4,cow\n5,dog\n"));

        assertThat(e.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
        assertThat(e.getMessage()).isEqualTo("label column 'y' has more than two distinct values: 'cat' (first in row 1), "
                + "'dog' (first in row 2), 'cow' (row 4 (line 5)); a binary label needs exactly two");
        assertThat(e.properties()).containsEntry("values", List.of("cat", "dog", "cow"));
    }

    @Test
    void rejectsTwoSpellingsOfTheSameNumberAsLabels() {
        ApiException e = failure(() -> parse("a,y\n1,1\n2,1.0\n"));

        assertThat(e.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
        assertThat(e.getMessage()).contains("'1' and '1.0' are the same number");
    }

    @Test
    void rejectsAnUnclosedQuoteNamingWhereTheRecordStarts() {
        ApiException e = failure(() -> parse("a,y\n1,0\n\"2,1\n3,0\n"));

        assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(e.getMessage()).isEqualTo("row 2 (line 3): a quoted field is never closed");
    }

    @Test
    void rejectsTextAfterAClosingQuote() {
        ApiException e = failure(() -> parse("a,y\n\"1\"x,0\n"));

        assertThat(e.getMessage()).startsWith("row 1 (line 2): unexpected text after the closing quote");
    }

    @Test
    void boundsTheLengthOfOneRecord() {
        byte[] csv = ("a,y\n\"" + "1".repeat(CsvDatasetParser.MAX_RECORD_CHARS + 100_000)).getBytes(StandardCharsets.UTF_8);
        ApiException e = failure(() -> new CsvDatasetParser(Long.MAX_VALUE, 100)
                .parse(new ByteArrayInputStream(csv), "file", null, sink));

        assertThat(e.getMessage()).isEqualTo("row 1 (line 2): a record longer than " + CsvDatasetParser.MAX_RECORD_CHARS
                + " characters (is a quote never closed?)");
    }

    @Test
    void namesTheHeaderWhenTheHeaderIsMalformed() {
        ApiException e = failure(() -> parse("\n\"a,y\n1,0\n"));

        assertThat(e.getMessage()).isEqualTo("header (line 2): a quoted field is never closed");
        assertThat(e.properties()).containsEntry("line", 2L).doesNotContainKey("row");
    }

    @Test
    void stopsReadingOnceTheLimitIsCrossed() {
        long limit = 100_000;
        CountingRows body = new CountingRows(10_000_000);
        ApiException e = failure(() -> new CsvDatasetParser(limit, 100).parse(body, "request body", null, sink));

        assertThat(e.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("the upload is larger than the limit of 100000 bytes");
        assertThat(body.served).isEqualTo(limit + 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "FF byte              | 612C790A FF2C300A | invalid UTF-8 byte FF at byte offset 4 (line 2)",
            "Latin-1 é            | 612C790A E92C300A | invalid UTF-8 sequence E9 2C at byte offset 4 (line 2)",
            "overlong slash       | 612C790A C0AF2C30 | invalid UTF-8 byte C0 at byte offset 4 (line 2)",
            "overlong 3-byte      | 612C790A E080AF30 | invalid UTF-8 sequence E0 80 at byte offset 4 (line 2)",
            "surrogate            | 612C790A EDA0802C | invalid UTF-8 sequence ED A0 at byte offset 4 (line 2)",
            "above U+10FFFF       | 612C790A F4908080 | invalid UTF-8 sequence F4 90 at byte offset 4 (line 2)",
            "stray continuation   | 80612C79          | invalid UTF-8 byte 80 at byte offset 0 (line 1)",
            "NUL                  | 612C7900 0A       | NUL byte at byte offset 3 (line 1)",
            "truncated at the end | 612C790A 312CE282 | truncated UTF-8 sequence E2 82 at byte offset 6 (line 2): the last character is cut off" })
    void rejectsBytesThatAreNotUtf8Text(String name, String hex, String problem) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        ApiException e = failure(() -> parse(bytes, null));

        assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(e.getMessage()).isEqualTo("the upload is not a UTF-8 text CSV: " + problem);
    }

    @Test
    void acceptsMultiByteCharactersInNamesAndLabels() {
        CsvDatasetParser.Result result = parse("größe,€,y\n1,2,😀\n3,4,ja\n");

        assertThat(result.features()).containsExactly("größe", "€");
        assertThat(result.classes()).extracting(CsvDatasetParser.ParsedClass::value).containsExactly("ja", "😀");
    }

    @Test
    void namesTheUploadWhenItIsEmpty() {
        assertThat(failure(() -> parse("")).getMessage())
                .isEqualTo("request body: the CSV is empty (0 bytes); expected a header row and data rows");
        assertThat(failure(() -> parse("\n\r\n")).getMessage())
                .isEqualTo("request body: the CSV has no header row (only empty lines)");
    }

    /** Serves a valid CSV of many rows, generated on the fly, and counts the bytes it served. */
    static final class CountingRows extends InputStream {
        private final long rows;
        private long row = -1;
        private byte[] line = new byte[0];
        private int at;
        long served;

        CountingRows(long rows) {
            this.rows = rows;
        }

        @Override
        public int read() {
            if (at == line.length) {
                if (++row > rows) {
                    return -1;
                }
                line = (row == 0 ? "a,b,y\n" : row + "," + (row * 0.5) + "," + (row % 2) + "\n")
                        .getBytes(StandardCharsets.US_ASCII);
                at = 0;
            }
            served++;
            return line[at++];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                int c = read();
                if (c < 0) {
                    return n == 0 ? -1 : n;
                }
                b[off + n++] = (byte) c;
            }
            return n;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void rejectsHeaderProblemsByName() {
        assertThat(failure(() -> parse("a,,y\n1,2,0\n")).getMessage())
                .isEqualTo("header (line 1): column 2 has an empty name");
        assertThat(failure(() -> parse("a,b,a,y\n1,2,3,0\n")).getMessage())
                .isEqualTo("header (line 1): duplicate column name 'a' (columns 1 and 3)");
        assertThat(failure(() -> parse("y\n1\n")).getMessage())
                .isEqualTo("header (line 1): found 1 column; at least 2 are needed (one or more features and the label)");
        assertThat(failure(() -> parse("a,b\n1,0\n", "c")).getMessage())
                .isEqualTo("label: column 'c' does not exist; the header has 2 columns: a, b");
        assertThatThrownBy(() -> parse("c".repeat(1) + ",c2".repeat(100) + "\n"))
                .hasMessage("header (line 1): 101 columns; at most 100 are allowed");
    }
}

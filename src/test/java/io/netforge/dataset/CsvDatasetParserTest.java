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

import io.netforge.problem.DomainException;
import io.netforge.tabular.ColumnKind;

/** The CSV parser alone, without Spring or a database. */
class CsvDatasetParserTest {

    private static final long LIMIT = 1 << 20;

    /** Keeps copies of everything the parser hands out, each cell decoded: a number, null (missing) or "#code". */
    static final class Recorder implements CsvDatasetParser.Sink {
        CsvDatasetParser.Header header;
        final List<List<Object>> rows = new ArrayList<>();
        final List<long[]> chunks = new ArrayList<>(); // index, firstRow, rows

        @Override
        public void start(CsvDatasetParser.Header header) {
            assertThat(this.header).as("start is called once").isNull();
            this.header = header;
        }

        @Override
        public void chunk(int index, long firstRow, int count, long[] cells) {
            int width = header.columns().size();
            assertThat(cells).hasSize(count * width);
            assertThat(firstRow).isEqualTo(rows.size());
            chunks.add(new long[] { index, firstRow, count });
            for (int r = 0; r < count; r++) {
                List<Object> row = new ArrayList<>();
                for (int j = 0; j < width; j++) {
                    long cell = cells[r * width + j];
                    row.add(cell == ColumnProfile.MISSING ? null
                            : cell == ColumnProfile.UNKEPT_TEXT ? "#unkept"
                            : ColumnProfile.isText(cell) ? "#" + ColumnProfile.textCode(cell)
                                    : (Object) Double.longBitsToDouble(cell));
                }
                rows.add(row);
            }
        }

        /** The numbers of the first {@code columns} columns of every row. */
        List<double[]> numbers(int columns) {
            return rows.stream().map(row -> {
                double[] values = new double[columns];
                for (int j = 0; j < columns; j++) {
                    values[j] = (Double) row.get(j);
                }
                return values;
            }).toList();
        }
    }

    private final Recorder sink = new Recorder();

    private CsvDatasetParser.Result parse(String csv) {
        return parse(csv, CsvDatasetParser.Options.defaults());
    }

    private CsvDatasetParser.Result parse(String csv, CsvDatasetParser.Options options) {
        return parse(csv.getBytes(StandardCharsets.UTF_8), options);
    }

    private CsvDatasetParser.Result parse(byte[] csv, CsvDatasetParser.Options options) {
        return parser(LIMIT, 100).parse(new ByteArrayInputStream(csv), "request body", options, sink);
    }

    /** Parses into a sink of its own, for tests that parse several CSVs. */
    private static CsvDatasetParser.Result parseAlone(String csv) {
        return parseAlone(csv, CsvDatasetParser.Options.defaults());
    }

    private static CsvDatasetParser.Result parseAlone(String csv, CsvDatasetParser.Options options) {
        return parser(LIMIT, 100).parse(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "request body",
                options, new Recorder());
    }

    private static CsvDatasetParser parser(long limit, int columns) {
        return new CsvDatasetParser(limit, columns, 1000, CsvDatasetParser.DEFAULT_MISSING);
    }

    private static CsvDatasetParser.Options label(String label) {
        return new CsvDatasetParser.Options(label, null, null, null, null);
    }

    private static DomainException failure(Runnable parse) {
        try {
            parse.run();
        } catch (DomainException e) {
            return e;
        }
        throw new AssertionError("expected the upload to be rejected");
    }

    private static DatasetColumn column(CsvDatasetParser.Result result, String name) {
        return result.columns().stream().map(ColumnProfile.Profiled::column).filter(c -> c.name().equals(name))
                .findFirst().orElseThrow();
    }

    private static List<String> levels(DatasetColumn column) {
        return column.levels().stream().map(DatasetColumn.Level::value).toList();
    }

    @Test
    void storesEveryColumnInOrderWithTheLastAsTheDefaultLabel() {
        CsvDatasetParser.Result result = parse("a,b,y\n1,2.5,0\n-3,4e2,1\n");

        assertThat(result.header().columns()).containsExactly("a", "b", "y");
        assertThat(result.header().label()).isEqualTo("y");
        assertThat(result.header().delimiter()).isEqualTo(',');
        assertThat(result.rows()).isEqualTo(2);
        assertThat(sink.numbers(3)).containsExactly(new double[] { 1, 2.5, 0 }, new double[] { -3, 400, 1 });
        assertThat(column(result, "y").type()).isEqualTo(io.netforge.tabular.ColumnKind.NUMERIC);
        assertThat(levels(column(result, "y"))).containsExactly("0", "1");
    }

    @Test
    void storesTextInFirstSeenCodesAndSortsTheLevels() {
        CsvDatasetParser.Result result = parse("a,y\n1,dog\n2,cat\n3,dog\n4,cow\n");

        assertThat(sink.rows).extracting(row -> row.get(1)).containsExactly("#0", "#1", "#0", "#2");
        ColumnProfile.Profiled y = result.columns().get(1);
        assertThat(y.column().type()).isEqualTo(io.netforge.tabular.ColumnKind.CATEGORICAL);
        assertThat(y.column().levels()).containsExactly(new DatasetColumn.Level("cat", null, 1),
                new DatasetColumn.Level("cow", null, 1), new DatasetColumn.Level("dog", null, 2));
        assertThat(y.storedCodes()).containsExactly(1, 2, 0);
        assertThat(y.column().firstTextRow()).isEqualTo(1L);
    }

    @Test
    void readsAColumnOfNumbersAndTextAsCategoricalWithTheNumbersAsLevelsByValue() {
        CsvDatasetParser.Result result = parse("a,y\n1,0\n2,1.0\n3,x\n4,1\n5,-2\n");

        DatasetColumn y = column(result, "y");
        assertThat(y.type()).isEqualTo(io.netforge.tabular.ColumnKind.CATEGORICAL);
        // numbers first, ascending, named in plain form; "1.0" and "1" are one level
        assertThat(y.levels()).containsExactly(new DatasetColumn.Level("-2", -2.0, 1),
                new DatasetColumn.Level("0", 0.0, 1), new DatasetColumn.Level("1", 1.0, 2),
                new DatasetColumn.Level("x", null, 1));
        assertThat(y.firstTextRow()).isEqualTo(3L);
        assertThat(sink.rows).extracting(row -> row.get(1)).containsExactly(0.0, 1.0, "#0", 1.0, -2.0);
    }

    @ParameterizedTest(name = "{0} and {1} -> level 0 is {2}")
    @CsvSource({ "1, -1, -1", "10, 9, 9", "0.5, -2e1, -20", "yes, no, no", "b, B, B", "10, x, 10" })
    void sortsNumbersNumericallyBeforeText(String first, String second, String level0) {
        CsvDatasetParser.Result result = parse("a,y\n1," + first + "\n2," + second + "\n");

        assertThat(column(result, "y").levels().get(0).value()).isEqualTo(level0);
    }

    @Test
    void takesTheDefaultLabelByNameFromTheMiddle() {
        CsvDatasetParser.Result result = parse("a,y,b\n1,yes,2\n3,no,4\n", label("y"));

        assertThat(result.header().columns()).containsExactly("a", "y", "b");
        assertThat(result.header().label()).isEqualTo("y");
        assertThat(levels(column(result, "y"))).containsExactly("no", "yes");
    }

    @Test
    void countsMissingCellsOfEveryKindInAnyColumn() {
        CsvDatasetParser.Result result = parse("a,b,y\n1,,x\nNA,2,\n n/a ,NaN,null\n?,\"\",y\n5,6,x\n");

        assertThat(column(result, "a").missing()).isEqualTo(3);
        assertThat(column(result, "b").missing()).isEqualTo(3);
        assertThat(column(result, "y").missing()).isEqualTo(2);
        assertThat(column(result, "a").type()).isEqualTo(io.netforge.tabular.ColumnKind.NUMERIC);
        assertThat(sink.rows.get(1)).containsExactly(null, 2.0, null);
        assertThat(result.header().missing()).isEqualTo(CsvDatasetParser.DEFAULT_MISSING);
    }

    @Test
    void takesTheMissingTokensOfTheUploadInsteadOfTheConfiguredOnes() {
        CsvDatasetParser.Result result = parse("a,y\n-999,1\nNA,0\n,1\n",
                new CsvDatasetParser.Options(null, null, null, null, List.of("-999")));

        // NA is text now, so a is categorical; -999 and the empty cell are missing
        DatasetColumn a = column(result, "a");
        assertThat(a.missing()).isEqualTo(2);
        assertThat(levels(a)).containsExactly("NA");
    }

    @Test
    void readsNamedColumnsAsCategoriesKeepingTheirText() {
        CsvDatasetParser.Result result = parse("zip,x,y\n02134,1,0\n2134,2,1\n02134,3,0\n",
                new CsvDatasetParser.Options(null, null, List.of("zip"), null, null));

        DatasetColumn zip = column(result, "zip");
        assertThat(zip.type()).isEqualTo(io.netforge.tabular.ColumnKind.CATEGORICAL);
        assertThat(zip.levels()).containsExactly(new DatasetColumn.Level("02134", null, 2),
                new DatasetColumn.Level("2134", null, 1));
    }

    @Test
    void leavesIgnoredColumnsOut() {
        CsvDatasetParser.Result result = parse("id,a,name,y\n17,1,ann,0\n18,2,bob,1\n",
                new CsvDatasetParser.Options(null, null, null, List.of("id", "name"), null));

        assertThat(result.header().columns()).containsExactly("a", "y");
        assertThat(result.header().ignored()).containsExactly("id", "name");
        assertThat(sink.numbers(2)).containsExactly(new double[] { 1, 0 }, new double[] { 2, 1 });
    }

    @Test
    void detectsTheDelimiterFromTheHeader() {
        assertThat(parseAlone("a;b;y\n1,5;2;0\n3;4;1\n").header().delimiter()).isEqualTo(';');
        assertThat(column(parseAlone("a;b;y\n1,5;2;0\n3;4;1\n"), "a").type()).isEqualTo(io.netforge.tabular.ColumnKind.CATEGORICAL);
        assertThat(parseAlone("a\tb\ty\n1\t2\t0\n").header().delimiter()).isEqualTo('\t');
        // delimiters inside quotes do not count
        CsvDatasetParser.Result quoted = parseAlone("\"a,1\";\"b,2\";y\n1;2;0\n3;4;1\n");
        assertThat(quoted.header().delimiter()).isEqualTo(';');
        assertThat(quoted.header().columns()).containsExactly("a,1", "b,2", "y");
        // a tie goes to the comma, and the header may come after empty lines
        assertThat(parseAlone("\n\na,b;c;d,y\n1,2;3;4,5\n").header().delimiter()).isEqualTo(',');
    }

    @Test
    void acceptsBomCrlfQuotesSpacesAndTrailingEmptyLines() {
        byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
        String text = " a ,\"b\",y\r\n\"1.5\", 2 ,\"no\"\r\n\r\n  -7\t,\" 8 \", yes\r\n\r\n  \r\n";
        byte[] bytes = concat(bom, text.getBytes(StandardCharsets.UTF_8));

        CsvDatasetParser.Result result = parse(bytes, CsvDatasetParser.Options.defaults());

        assertThat(result.header().columns()).containsExactly("a", "b", "y");
        assertThat(sink.numbers(2)).containsExactly(new double[] { 1.5, 2 }, new double[] { -7, 8 });
        assertThat(levels(column(result, "y"))).containsExactly("no", "yes");
        assertThat(result.sizeBytes()).isEqualTo(bytes.length);
        assertThat(result.sha256()).isEqualTo(sha256(bytes)); // of the bytes as uploaded, BOM included
    }

    @Test
    void takesTheDelimiterGiven() {
        CsvDatasetParser.Result result = parse("a;b,y\n1;2,0\n3;4,1\n",
                new CsvDatasetParser.Options(null, ";", null, null, null));

        assertThat(result.header().columns()).containsExactly("a", "b,y");
        assertThat(failure(() -> parse("a,y\n1,0\n", new CsvDatasetParser.Options(null, "|", null, null, null)))
                .getMessage()).isEqualTo("delimiter: must be a comma, a semicolon or a tab (',', ';', 'tab'), got '|'");
    }

    @Test
    void profilesNumericColumns() {
        CsvDatasetParser.Result result = parse("a,b,y\n1,0.5,0\n2,,1\n4,1.5,0\n5,2.5,1\n");

        DatasetColumn a = column(result, "a");
        assertThat(a.min()).isEqualTo(1.0);
        assertThat(a.max()).isEqualTo(5.0);
        assertThat(a.mean()).isEqualTo(3.0);
        assertThat(a.sd()).isCloseTo(Math.sqrt(10.0 / 3), org.assertj.core.data.Offset.offset(1e-15)); // sample sd
        assertThat(a.integers()).isTrue();
        assertThat(a.distinct()).isEqualTo(4);
        assertThat(a.distinctExact()).isTrue();
        DatasetColumn b = column(result, "b");
        assertThat(b.integers()).isFalse();
        assertThat(b.missing()).isEqualTo(1);
        assertThat(b.mean()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void stopsCountingDistinctNumbersPastTheLimitButKeepsTheStatistics() {
        StringBuilder csv = new StringBuilder("a,y\n");
        for (int i = 0; i < 1500; i++) {
            csv.append(i).append(',').append(i % 2).append('\n');
        }
        CsvDatasetParser.Result result = parse(csv.toString());

        DatasetColumn a = column(result, "a");
        assertThat(a.distinctExact()).isFalse();
        assertThat(a.distinct()).isEqualTo(1001);
        assertThat(a.levels()).isEmpty();
        assertThat(a.max()).isEqualTo(1499.0);
    }

    @Test
    void aColumnOfTextWithMoreLevelsThanTheCapBecomesATextColumnThatKeepsNoValues() {
        StringBuilder csv = new StringBuilder("name,kind,y\n");
        for (int i = 0; i < 30; i++) {
            csv.append("n").append(i).append(',').append(i < 12 ? "k" + i : "k" + (i % 3)).append(',').append(i % 2)
                    .append('\n');
        }
        CsvDatasetParser.Result result = new CsvDatasetParser(LIMIT, 100, 10, CsvDatasetParser.DEFAULT_MISSING)
                .parse(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), "file",
                        CsvDatasetParser.Options.defaults(), sink);

        DatasetColumn name = column(result, "name");
        assertThat(name.type()).isEqualTo(ColumnKind.TEXT);
        assertThat(name.distinct()).isEqualTo(30);
        assertThat(name.distinctExact()).isTrue();
        assertThat(name.unique()).isTrue();
        assertThat(name.examples()).containsExactly("n0", "n1", "n2", "n3", "n4");
        assertThat(name.levels()).isEmpty();
        // 12 distinct kinds: past the cap of 10 as well, with repeats
        DatasetColumn kind = column(result, "kind");
        assertThat(kind.type()).isEqualTo(ColumnKind.TEXT);
        assertThat(kind.distinct()).isEqualTo(12);
        assertThat(kind.unique()).isFalse();
        assertThat(column(result, "y").type()).isEqualTo(ColumnKind.NUMERIC);
        // the cells of the rows before the switch keep their codes, the later ones are the unkept marker
        assertThat(sink.rows.get(0).get(0)).isEqualTo("#0");
        assertThat(sink.rows.get(29).get(0)).isEqualTo("#unkept");
    }

    @Test
    void aColumnOfManyNumbersThatTurnsOutToHoldTextIsTextWhoseCountIsALowerBound() {
        StringBuilder csv = new StringBuilder("a,y\n");
        for (int i = 0; i < 1200; i++) {
            csv.append(i).append(',').append(i % 2).append('\n');
        }
        csv.append("unknown,1\n").append("7,0\n");
        DatasetColumn a = column(parse(csv.toString()), "a");

        assertThat(a.type()).isEqualTo(ColumnKind.TEXT);
        assertThat(a.firstTextRow()).isEqualTo(1201);
        assertThat(a.distinctExact()).isFalse();
        assertThat(a.unique()).isNull(); // its numbers were past counting: whether 7 came before is not known
        assertThat(a.examples()).containsExactly("unknown");
    }

    @Test
    void aMixedColumnWhoseNumbersWereCountedCountsThemAsText() {
        StringBuilder csv = new StringBuilder("a,y\n");
        for (int i = 0; i < 8; i++) {
            csv.append(i).append(',').append(i % 2).append('\n');
        }
        for (int i = 0; i < 8; i++) {
            csv.append("t").append(i).append(',').append(i % 2).append('\n');
        }
        csv.append("3,1\n");
        CsvDatasetParser.Result result = new CsvDatasetParser(LIMIT, 100, 10, CsvDatasetParser.DEFAULT_MISSING)
                .parse(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), "file",
                        CsvDatasetParser.Options.defaults(), sink);
        DatasetColumn a = column(result, "a");
        assertThat(a.type()).isEqualTo(ColumnKind.TEXT);
        assertThat(a.distinct()).isEqualTo(16);
        assertThat(a.distinctExact()).isTrue();
        assertThat(a.unique()).isFalse();
    }

    @Test
    void textColumnsStopCountingPastTheirLimitAndThenDoNotKnowWhetherTheyAreUnique() {
        DistinctTexts texts = new DistinctTexts(3);
        for (String v : new String[] {"a", "b", "c"}) {
            texts.add(v, 1);
        }
        assertThat(texts.size()).isEqualTo(3);
        assertThat(texts.unique()).isTrue();
        texts.add("d", 1);
        assertThat(texts.exact()).isFalse();
        assertThat(texts.unique()).isNull();
        texts.add("e", 2);
        assertThat(texts.unique()).isFalse();
        assertThat(DistinctTexts.hash("x")).isNotEqualTo(DistinctTexts.hash("y")).isNotZero();
    }

    @Test
    void readsDecimalCommasInASemicolonFileWhenAsked() {
        CsvDatasetParser.Options comma = new CsvDatasetParser.Options(null, null, List.of(), List.of(), null,
                List.of(), ",");
        CsvDatasetParser.Result result = parse("a;b;y\n1,5;-0,25;0\n2;3,;1\n", comma);

        assertThat(column(result, "a").type()).isEqualTo(ColumnKind.NUMERIC);
        assertThat(sink.numbers(3)).containsExactly(new double[] {1.5, -0.25, 0}, new double[] {2, 3, 1});
        DomainException grouped = failure(() -> parseAlone("a;y\n1.234,5;0\n", comma));
        assertThat(grouped.getMessage()).contains("row 1 (line 2), column 'a': '1.234,5' has thousands separators");
        DomainException clash = failure(() -> parseAlone("a,y\n1,0\n", comma));
        assertThat(clash.getMessage()).contains("a decimal comma needs a ';' or tab delimiter");
    }

    @Test
    void refusesThousandsSeparatorsNamingTheCell() {
        DomainException e = failure(() -> parseAlone("a;y\n12;0\n1,234.5;1\n"));
        assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_INPUT);
        assertThat(e.getMessage()).startsWith("row 2 (line 3), column 'a': '1,234.5' has thousands separators")
                .contains("decimal=,");
        assertThat(e.properties()).containsEntry("column", "a").containsEntry("row", 2L);
        // named as categorical, such text is kept as it is
        CsvDatasetParser.Options text = new CsvDatasetParser.Options(null, null, List.of("a"), List.of(), null);
        assertThat(column(parseAlone("a;y\n1,234.5;1\n5;0\n", text), "a").type()).isEqualTo(ColumnKind.CATEGORICAL);
    }

    @Test
    void readsAColumnOfPercentagesAsTheirNumbers() {
        CsvDatasetParser.Result result = parse("rate,y\n12%,0\n-0.5%,1\n,0\n100%,1\n");

        DatasetColumn rate = column(result, "rate");
        assertThat(rate.type()).isEqualTo(ColumnKind.NUMERIC);
        assertThat(rate.percentages()).isTrue();
        assertThat(rate.max()).isEqualTo(100.0);
        assertThat(sink.rows.get(1).get(0)).isEqualTo(-0.5);
        assertThat(failure(() -> parseAlone("rate,y\n12%,0\n7,1\n")).getMessage())
                .contains("row 2 (line 3), column 'rate': '7' is a plain number, but the rows before it are percentages");
        assertThat(failure(() -> parseAlone("rate,y\n7,0\n12%,1\n")).getMessage())
                .contains("'12%' is a percentage, but the rows before it are plain numbers");
    }

    @Test
    void cutsRowsIntoChunksOfBoundedSize() {
        StringBuilder csv = new StringBuilder("a,b,c,y\n");
        for (int i = 0; i < 10; i++) {
            csv.append(i).append(',').append(i + 0.5).append(',').append(-i).append(',').append(i % 2).append('\n');
        }
        // 4 columns * 8 bytes = 32 bytes a row: 100 bytes hold 3 rows.
        CsvDatasetParser.Result result = new CsvDatasetParser(LIMIT, 100, 1000, CsvDatasetParser.DEFAULT_MISSING, 100)
                .parse(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), "file",
                        CsvDatasetParser.Options.defaults(), sink);

        assertThat(result.chunks()).isEqualTo(4);
        assertThat(sink.chunks).containsExactly(new long[] { 0, 0, 3 }, new long[] { 1, 3, 3 }, new long[] { 2, 6, 3 },
                new long[] { 3, 9, 1 });
        assertThat(sink.numbers(4).get(9)).containsExactly(9, 9.5, -9, 1);
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
            assertThat(Double.doubleToRawLongBits((Double) sink.rows.get(i).get(0)))
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
        String csv = "a,y\n\n1,0\n\"2\n\",1\n3,inf\n";
        // rows: 1 on line 3, 2 on lines 4-5, row 3 on line 6
        DomainException e = failure(() -> parse(csv));

        assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_INPUT);
        assertThat(e.getMessage()).isEqualTo("row 3 (line 6), column 'y': 'inf' is not a finite number (to mark a"
                + " missing value, leave the cell empty or use one of [NA, N/A, null, NaN, ?])");
    }

    @Test
    void namesRowAndLineOfARaggedRow() {
        DomainException e = failure(() -> parse("a,b,y\r\n1,2,0\r\n\r\n3,1\r\n"));

        assertThat(e.getMessage()).isEqualTo("row 2 (line 4): expected 3 columns, found 2");
        assertThat(e.properties()).containsEntry("row", 2L).containsEntry("line", 4L);
    }

    @Test
    void refusesNumbersBeyondFloat64() {
        DomainException e = failure(() -> parse("a,y\n1,0\n1e400,1\n"));

        assertThat(e.getMessage()).isEqualTo("row 2 (line 3), column 'a': '1e400' is out of range for a float64"
                + " (overflows to infinity)");
    }

    @Test
    void rejectsAnUnclosedQuoteNamingWhereTheRecordStarts() {
        DomainException e = failure(() -> parse("a,y\n1,0\n\"2,1\n3,0\n"));

        assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_INPUT);
        assertThat(e.getMessage()).isEqualTo("row 2 (line 3): a quoted field is never closed");
    }

    @Test
    void rejectsTextAfterAClosingQuote() {
        DomainException e = failure(() -> parse("a,y\n\"1\"x,0\n"));

        assertThat(e.getMessage()).startsWith("row 1 (line 2): unexpected text after the closing quote");
    }

    @Test
    void boundsTheLengthOfOneRecord() {
        byte[] csv = ("a,y\n\"" + "1".repeat(CsvDatasetParser.MAX_RECORD_CHARS + 100_000)).getBytes(StandardCharsets.UTF_8);
        DomainException e = failure(() -> parser(Long.MAX_VALUE, 100)
                .parse(new ByteArrayInputStream(csv), "file", CsvDatasetParser.Options.defaults(), sink));

        assertThat(e.getMessage()).isEqualTo("row 1 (line 2): a record longer than " + CsvDatasetParser.MAX_RECORD_CHARS
                + " characters (is a quote never closed?)");
    }

    @Test
    void namesTheHeaderWhenTheHeaderIsMalformed() {
        DomainException e = failure(() -> parse("\n\"a,y\n1,0\n"));

        assertThat(e.getMessage()).isEqualTo("header (line 2): a quoted field is never closed");
        assertThat(e.properties()).containsEntry("line", 2L).doesNotContainKey("row");
    }

    @Test
    void stopsReadingOnceTheLimitIsCrossed() {
        long limit = 100_000;
        CountingRows body = new CountingRows(10_000_000);
        DomainException e = failure(() -> parser(limit, 100).parse(body, "request body", CsvDatasetParser.Options.defaults(),
                sink));

        assertThat(e.kind()).isEqualTo(DomainException.Kind.TOO_LARGE);
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
        DomainException e = failure(() -> parse(bytes, CsvDatasetParser.Options.defaults()));

        assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_INPUT);
        assertThat(e.getMessage()).isEqualTo("the upload is not a UTF-8 text CSV: " + problem);
    }

    @Test
    void acceptsMultiByteCharactersInNamesAndLabels() {
        CsvDatasetParser.Result result = parse("größe,€,y\n1,2,😀\n3,4,ja\n");

        assertThat(result.header().columns()).containsExactly("größe", "€", "y");
        assertThat(levels(column(result, "y"))).containsExactly("ja", "😀");
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
                .isEqualTo("header (line 1): found 1 column; at least 2 are needed (a label and one or more features)");
        assertThat(failure(() -> parse("a,b\n1,0\n", label("c"))).getMessage())
                .isEqualTo("label: column 'c' does not exist; the header has 2 columns: a, b");
        assertThatThrownBy(() -> parse("c".repeat(1) + ",c2".repeat(100) + "\n"))
                .hasMessage("header (line 1): 101 columns; at most 100 are allowed");
        assertThat(failure(() -> parse("a,b\n1,0\n", new CsvDatasetParser.Options(null, null, null, List.of("x"), null)))
                .getMessage()).isEqualTo("ignore: column 'x' does not exist; the header has 2 columns: a, b");
        assertThat(failure(() -> parse("a,b\n1,0\n", new CsvDatasetParser.Options(null, null, List.of("z"), null, null)))
                .getMessage()).isEqualTo("categorical: column 'z' does not exist; the header has 2 columns: a, b");
        assertThat(failure(() -> parse("a,b,c\n1,0,1\n", new CsvDatasetParser.Options(null, null, null,
                List.of("a", "b"), null))).getMessage())
                .isEqualTo("header (line 1): found 1 column besides the ignored ones; at least 2 are needed (a label and"
                        + " one or more features)");
    }
}

package io.netforge.dataset;

import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import org.apache.commons.io.input.SequenceReader;

import io.netforge.problem.DomainException;
import io.netforge.tabular.Decimal;

/**
 * Reads an uploaded CSV as a stream, validates it, profiles every column and hands the rows to a {@link Sink} a
 * bounded chunk at a time; it never holds more than one chunk, one record and the columns' distinct values.
 *
 * <p>The format: UTF-8 (a BOM is skipped), RFC 4180 quoting, LF or CRLF line ends, a header row, then data rows.
 * The delimiter is a comma, semicolon or tab: given, or the one of those the header holds most of outside quotes
 * (a comma when it holds none). Empty lines (and lines of only spaces and tabs) are skipped anywhere. Names and
 * values are trimmed of spaces and tabs. A cell is missing when it is empty or one of the missing-value tokens
 * (compared without case). Otherwise it is a number when it is a finite decimal
 * ({@code [+-]digits[.digits][e[+-]digits]}, quoted or not), else text; a column with any text, or named as
 * categorical, is categorical (see {@link ColumnProfile} for how cells are stored).
 *
 * <p>Errors are {@link DomainException}s whose detail names the place: "row" counts data rows from 1 (the header
 * and empty lines are not rows), "line" is the physical line the row starts on, counting from 1. Malformed input
 * is 400, a categorical column with more distinct values than the cap 422, more than {@code maxBytes} 413.
 *
 * <p>Spring-free and thread-safe; each {@link #parse} call keeps its own state.
 */
final class CsvDatasetParser {

    /** Upper bound on the cells of one chunk: {@code rows * columns * 8} bytes. */
    static final int CHUNK_BYTES = 1 << 20;

    /** Longest record, in characters; bounds memory for a never-closed quote or a file without line breaks. */
    static final int MAX_RECORD_CHARS = 4 << 20;

    /** Distinct numbers counted over all columns together: a column of n gets this / n, at least 21. */
    static final int DISTINCT_NUMBER_BUDGET = 250_000;
    /** At least this many distinct numbers of every column are counted (task inference needs up to 20 classes). */
    static final int MIN_DISTINCT_NUMBERS = 21;
    /** Distinct text values of all categorical columns together, and their characters: the heap they may take. */
    static final int MAX_TOTAL_LEVELS = 200_000;
    static final long MAX_TOTAL_LEVEL_CHARS = 8_000_000;
    /** Distinct values of all text columns together that are counted (16 bytes each at most): past it, "more than". */
    static final int MAX_COUNTED_TEXTS = 2_000_000;
    /** ... and of one text column. */
    static final int MAX_COUNTED_TEXTS_PER_COLUMN = 1_000_000;

    /** The missing-value tokens when none are configured. */
    static final List<String> DEFAULT_MISSING = List.of("NA", "N/A", "null", "NaN", "?");

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();
    private static final String DELIMITERS = ",;\t";

    private final long maxBytes;
    private final int maxColumns;
    private final int maxLevels;
    private final List<String> defaultMissing;
    private final int chunkBytes;

    CsvDatasetParser(long maxBytes, int maxColumns, int maxLevels, List<String> defaultMissing) {
        this(maxBytes, maxColumns, maxLevels, defaultMissing, CHUNK_BYTES);
    }

    /** {@code chunkBytes} below the default lets tests see many chunks from small files. */
    CsvDatasetParser(long maxBytes, int maxColumns, int maxLevels, List<String> defaultMissing, int chunkBytes) {
        this.maxBytes = maxBytes;
        this.maxColumns = maxColumns;
        this.maxLevels = maxLevels;
        this.defaultMissing = List.copyOf(defaultMissing);
        this.chunkBytes = chunkBytes;
    }

    /**
     * How to read one upload; null or empty members take the defaults.
     *
     * @param label       the label column (the default for training), else the last stored column
     * @param delimiter   {@code ,} {@code ;} or a tab (also spelt {@code tab}, {@code comma}, {@code semicolon}),
     *                    else detected from the header
     * @param categorical columns whose values are all categories, numbers included (zip codes, ids of classes)
     * @param ignore      columns not to store at all
     * @param missing     the missing-value tokens, replacing the configured ones (an empty cell is always missing)
     * @param dates       {@code column:pattern} for date columns in a format that is not recognised by itself
     *                    ({@link io.netforge.tabular.DateTimes#pattern}, e.g. {@code day:dd/MM/yyyy})
     * @param decimal     the decimal mark of numbers: {@code .} (the default) or {@code ,} (then the delimiter is a
     *                    semicolon or a tab)
     */
    record Options(String label, String delimiter, List<String> categorical, List<String> ignore, List<String> missing,
            List<String> dates, String decimal) {

        static Options defaults() {
            return new Options(null, null, List.of(), List.of(), null, List.of(), null);
        }

        Options(String label, String delimiter, List<String> categorical, List<String> ignore, List<String> missing) {
            this(label, delimiter, categorical, ignore, missing, List.of(), null);
        }

        Options {
            categorical = categorical == null ? List.of() : List.copyOf(categorical);
            ignore = ignore == null ? List.of() : List.copyOf(ignore);
            missing = missing == null ? null : List.copyOf(missing);
            dates = dates == null ? List.of() : List.copyOf(dates);
        }
    }

    /** Receives a table while it is parsed. An exception thrown here ends the parse with that exception. */
    interface Sink {

        /** Called once, after the header was validated and before the first chunk. */
        void start(Header header);

        /**
         * A run of complete rows, in order: {@code cells} holds exactly {@code rows * header.columns().size()}
         * stored cells (see {@link ColumnProfile}), row-major. Valid only during the call.
         */
        void chunk(int index, long firstRow, int rows, long[] cells);
    }

    /**
     * @param columns   the stored columns' names, in upload order
     * @param label     the label column
     * @param delimiter the delimiter used
     * @param ignored   the columns left out, in upload order
     * @param missing   the missing-value tokens used
     */
    record Header(List<String> columns, String label, char delimiter, List<String> ignored, List<String> missing) {
    }

    /** What was parsed, once the whole upload was read. */
    /**
     * @param sha256        of the uploaded bytes (the CSV, once inflated)
     * @param contentSha256 of the table as stored ({@link ContentHash}): the same for the same typed cells, whatever
     *                      file they came in
     */
    record Result(Header header, long rows, int chunks, List<ColumnProfile.Profiled> columns, long sizeBytes,
            String sha256, String contentSha256) {
    }

    /**
     * Parses {@code body} to its end.
     *
     * @param source how to name the upload in messages, e.g. "file" or "request body"
     */
    Result parse(InputStream body, String source, Options options, Sink sink) {
        return new Pass(body, source, options, sink).run();
    }

    /**
     * A table that arrives as rows of text cells rather than CSV (a Parquet file's values, rendered by
     * {@link ParquetTable}): the same checks, typing, profiles, chunks and limits as a CSV of those cells, the
     * columns in {@code text} read as text whatever they hold (a Parquet string column), an empty cell missing. A
     * problem names the row (from 1) and column; the cells' characters together are bounded like a CSV's bytes.
     *
     * @param table opens the rows, given the stored columns (others are not read), and says the file's size and hash
     */
    Result parseRows(TableRows table, String source, Options options, Sink sink) {
        Options typed = new Options(options.label(), ",", options.categorical(), options.ignore(), options.missing(),
                options.dates(), null);
        return new Pass(InputStream.nullInputStream(), source, typed, sink).runRows(table);
    }

    /** A table as rows of text cells. */
    interface TableRows {

        /** The column names, in file order. */
        List<String> header();

        /**
         * The columns whose cells are strings by the file's own types: never numbers (a zip code keeps its zeros),
         * though still dates or booleans when their words say so, as in a CSV.
         */
        List<String> textColumns();

        /**
         * Streams the rows to {@code row}, each a list of cells in header order ("" for missing); the columns not in
         * {@code stored} may be given as "" without being read.
         */
        void forEachRow(Set<String> stored, java.util.function.Consumer<List<String>> row);

        long sizeBytes();

        String sha256();
    }

    /** How many distinct numbers each of {@code columns} columns counts exactly. */
    static int distinctLimit(int columns, int maxLevels) {
        return Math.max(MIN_DISTINCT_NUMBERS, Math.min(maxLevels, DISTINCT_NUMBER_BUDGET / columns));
    }

    /** The delimiter a request names, or null to detect it. */
    static Character delimiter(String requested) {
        if (requested == null || requested.isEmpty()) {
            return null;
        }
        return switch (requested.toLowerCase(Locale.ROOT)) {
            case ",", "comma" -> ',';
            case ";", "semicolon" -> ';';
            case "\t", "tab", "\\t" -> '\t';
            default -> throw DomainException.invalidField("delimiter", "must be a comma, a semicolon or a tab "
                    + "(',', ';', 'tab'), got '" + abbreviate(requested) + "'");
        };
    }

    /** The decimal mark asked for: '.' (also "dot", "point", absent) or ',' ("comma"). */
    static char decimalMark(String requested) {
        if (requested == null || requested.isEmpty()) {
            return '.';
        }
        return switch (requested.toLowerCase(Locale.ROOT)) {
            case ".", "dot", "point" -> '.';
            case ",", "comma" -> ',';
            default -> throw DomainException.invalidField("decimal", "must be '.' or ',', got '"
                    + abbreviate(requested) + "'");
        };
    }

    private static final java.util.regex.Pattern THOUSANDS_AFTER_POINT =
            java.util.regex.Pattern.compile("[+-]?\\d{1,3}(,\\d{3})+(\\.\\d*)?%?");
    private static final java.util.regex.Pattern THOUSANDS_AFTER_COMMA =
            java.util.regex.Pattern.compile("[+-]?\\d{1,3}(\\.\\d{3})+(,\\d*)?%?");

    /** The state of one parse. */
    private final class Pass {

        private final UploadInputStream upload;
        private final String source;
        private final Options options;
        private final Set<String> missingTokens = new java.util.HashSet<>();
        private final List<String> missingList;
        private final Sink sink;
        private final Character requestedDelimiter;
        private final char decimal;

        private long rows;          // data rows accepted so far
        private long recordLine;    // physical line the current record starts on
        private long linesBefore;   // line ends consumed before the current record
        private long recordChars;   // characters read since the current record started

        private int columns;        // in the file
        private List<String> names; // in the file
        private int[] storedAt;     // file column -> stored position, or -1 when ignored
        private ColumnProfile[] profiles; // by stored position
        private char delimiter;
        private Header parsedHeader;

        private long totalLevels;
        private long totalLevelChars;
        /** Distinct values the text columns so far may count, together. */
        private int countBudget = MAX_COUNTED_TEXTS;

        private int rowsPerChunk;
        private long[] cells;
        private int inChunk;
        private int chunkIndex;
        private final ContentHash content = new ContentHash();
        /** False for a table that is not CSV: problems name no line. */
        private boolean lines = true;
        private TableRows table;
        private long tableChars;
        /** A typed table's string columns: their numbers are text. */
        private Set<String> strings = Set.of();

        Pass(InputStream body, String source, Options options, Sink sink) {
            this.upload = new UploadInputStream(body, maxBytes);
            this.source = source;
            this.options = options;
            this.missingList = options.missing() != null ? options.missing() : defaultMissing;
            for (String token : missingList) {
                missingTokens.add(token.strip().toLowerCase(Locale.ROOT));
            }
            this.sink = sink;
            this.requestedDelimiter = delimiter(options.delimiter());
            this.decimal = decimalMark(options.decimal());
        }

        /** The rows of a table that is not CSV: no lines, its own size and hash. */
        Result runRows(TableRows table) {
            lines = false;
            delimiter = ','; // what a dataset of no CSV records: never used to read it
            this.table = table;
            this.strings = Set.copyOf(table.textColumns());
            recordLine = 0;
            header(table.header());
            Set<String> stored = new java.util.HashSet<>(parsedHeader.columns());
            table.forEachRow(stored, cells -> {
                long chars = 0;
                for (String cell : cells) {
                    chars += cell.length() + 1;
                }
                if (chars > MAX_RECORD_CHARS) {
                    throw located(DomainException.invalidInput(where() + ": a row longer than " + MAX_RECORD_CHARS
                            + " characters"));
                }
                tableChars += chars;
                if (tableChars > maxBytes) {
                    throw DomainException.tooLarge(source + ": the table is larger than the limit of " + maxBytes
                            + " bytes as CSV text").with("limitBytes", maxBytes);
                }
                row(cells);
            });
            return finish();
        }

        Result run() {
            try (Reader reader = reader();
                    CSVParser csv = CSVParser.builder().setReader(reader)
                            .setFormat(FORMAT.builder().setDelimiter(delimiter).get()).get()) {
                Iterator<CSVRecord> records = csv.iterator();
                CSVRecord record;
                while ((record = next(records, csv)) != null) {
                    if (isBlank(record)) {
                        continue;
                    }
                    if (names == null) {
                        header(record.toList());
                    } else {
                        row(record.toList());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // closing a reader over a request stream; not expected
            }
            return finish();
        }

        /** The decoded upload, its header line read ahead to find the delimiter, then put back. */
        private Reader reader() throws IOException {
            InputStream withoutBom = BOMInputStream.builder().setInputStream(upload).get();
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            Reader counted = new FilterReader(new InputStreamReader(withoutBom, decoder)) {
                @Override
                public int read() throws IOException {
                    int c = super.read();
                    budget(c < 0 ? 0 : 1);
                    return c;
                }

                @Override
                public int read(char[] buffer, int off, int len) throws IOException {
                    int n = super.read(buffer, off, len);
                    budget(n);
                    return n;
                }
            };
            recordLine = 1;
            String ahead = headerLine(counted);
            delimiter = requestedDelimiter != null ? requestedDelimiter : detectDelimiter(ahead);
            if (decimal == ',' && delimiter == ',') {
                throw DomainException.invalidField("decimal", "a decimal comma needs a ';' or tab delimiter, but the"
                        + " file's is ','" + (requestedDelimiter == null ? " (detected from the header)" : ""));
            }
            return new SequenceReader(new StringReader(ahead), counted);
        }

        /** Everything up to and including the end of the first line with more than spaces and tabs, outside quotes. */
        private String headerLine(Reader in) throws IOException {
            StringBuilder text = new StringBuilder();
            boolean quoted = false;
            boolean content = false;
            int c;
            while ((c = in.read()) >= 0) {
                text.append((char) c);
                if (c == '"') {
                    quoted = !quoted;
                }
                if (!quoted && c == '\n') {
                    if (content) {
                        break;
                    }
                    recordLine++;
                } else if (c != ' ' && c != '\t' && c != '\r') {
                    content = true;
                }
            }
            return text.toString();
        }

        private char detectDelimiter(String header) {
            int[] counts = new int[DELIMITERS.length()];
            boolean quoted = false;
            for (int i = 0; i < header.length(); i++) {
                char c = header.charAt(i);
                if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && DELIMITERS.indexOf(c) >= 0) {
                    counts[DELIMITERS.indexOf(c)]++;
                }
            }
            int best = 0;
            for (int d = 1; d < counts.length; d++) {
                if (counts[d] > counts[best]) {
                    best = d;
                }
            }
            return DELIMITERS.charAt(best);
        }

        private void budget(int chars) {
            recordChars += Math.max(chars, 0);
            if (recordChars > MAX_RECORD_CHARS + 16_384L) { // slack: the CSV reader buffers ahead
                throw located(DomainException.invalidInput(where() + ": a record longer than " + MAX_RECORD_CHARS
                        + " characters (is a quote never closed?)"));
            }
        }

        /** The next record, or null at the end; keeps track of the line it starts on. */
        private CSVRecord next(Iterator<CSVRecord> records, CSVParser csv) {
            recordLine = linesBefore + 1;
            recordChars = 0;
            try {
                if (!records.hasNext()) {
                    return null;
                }
                CSVRecord record = records.next();
                linesBefore = csv.getCurrentLineNumber();
                return record;
            } catch (UncheckedIOException e) {
                // Only commons-csv's own syntax errors arrive here: read failures and bad bytes are ApiExceptions.
                String message = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                String lower = message.toLowerCase(Locale.ROOT);
                String what = lower.contains("eof reached before encapsulated token finished")
                        ? "a quoted field is never closed"
                        : lower.contains("invalid char") && lower.contains("between encapsulated token and delimiter")
                                ? "unexpected text after the closing quote of a field (a quote inside a quoted field must be doubled)"
                                : "malformed CSV (" + abbreviate(message) + ")";
                throw located(DomainException.invalidInput(where() + ": " + what));
            }
        }

        private void header(List<String> record) {
            int count = record.size();
            String at = where();
            if (count > maxColumns) {
                throw located(DomainException.invalidInput(at + ": " + count + " columns; at most " + maxColumns
                        + " are allowed"));
            }
            List<String> header = new ArrayList<>(count);
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < count; i++) {
                String name = trim(record.get(i));
                if (name.isEmpty()) {
                    throw located(DomainException.invalidInput(at + ": column " + (i + 1) + " has an empty name"))
                            .with("columnIndex", i + 1);
                }
                Integer before = seen.putIfAbsent(name, i);
                if (before != null) {
                    throw located(DomainException.invalidInput(at + ": duplicate column name '" + abbreviate(name)
                            + "' (columns " + (before + 1) + " and " + (i + 1) + ")")).with("column", name);
                }
                header.add(name);
            }
            Set<String> ignored = known(options.ignore(), header, "ignore");
            Set<String> categorical = known(options.categorical(), header, "categorical");
            Map<String, io.netforge.tabular.DateTimes.Format> named = dateFormats(options.dates(), header);
            String label = options.label() == null || options.label().isBlank() ? null : options.label().strip();
            if (label != null && !header.contains(label)) {
                throw DomainException.invalidField("label", "column '" + abbreviate(label)
                        + "' does not exist; the header has " + count + " columns: " + list(header));
            }
            if (label != null && ignored.contains(label)) {
                throw DomainException.invalidField("ignore", "names the label column '" + abbreviate(label)
                        + "'; the label cannot be left out");
            }
            List<String> stored = header.stream().filter(n -> !ignored.contains(n)).toList();
            if (stored.size() < 2) {
                throw located(DomainException.invalidInput(at + ": found " + stored.size()
                        + (stored.size() == 1 ? " column" : " columns")
                        + (ignored.isEmpty() ? "" : " besides the ignored ones")
                        + "; at least 2 are needed (a label and one or more features)"));
            }
            if (label == null) {
                label = stored.get(stored.size() - 1);
            }
            columns = count;
            names = header;
            storedAt = new int[count];
            profiles = new ColumnProfile[stored.size()];
            int distinctLimit = distinctLimit(stored.size(), maxLevels);
            for (int i = 0, position = 0; i < count; i++) {
                if (ignored.contains(header.get(i))) {
                    storedAt[i] = -1;
                } else {
                    storedAt[i] = position;
                    profiles[position] = new ColumnProfile(position, header.get(i),
                            categorical.contains(header.get(i)), distinctLimit, true, named.get(header.get(i)),
                            strings.contains(header.get(i)));
                    position++;
                }
            }
            rowsPerChunk = Math.max(1, chunkBytes / (Long.BYTES * stored.size()));
            cells = new long[rowsPerChunk * stored.size()];
            parsedHeader = new Header(stored, label, delimiter, header.stream().filter(ignored::contains).toList(),
                    missingList);
            sink.start(parsedHeader);
        }

        /** The formats of {@code dates=column:pattern}: each column in the header, each pattern valid. */
        private Map<String, io.netforge.tabular.DateTimes.Format> dateFormats(List<String> requested,
                List<String> header) {
            Map<String, io.netforge.tabular.DateTimes.Format> formats = new HashMap<>();
            for (String entry : requested) {
                if (entry.isBlank()) {
                    continue;
                }
                int colon = entry.indexOf(':');
                if (colon <= 0 || colon == entry.length() - 1) {
                    throw DomainException.invalidField("dates", "'" + abbreviate(entry) + "' must be column:pattern,"
                            + " e.g. day:dd/MM/yyyy");
                }
                String column = entry.substring(0, colon).strip();
                known(List.of(column), header, "dates");
                try {
                    formats.put(column, io.netforge.tabular.DateTimes.pattern(entry.substring(colon + 1).strip()));
                } catch (IllegalArgumentException e) {
                    throw DomainException.invalidField("dates", "column '" + abbreviate(column) + "': '"
                            + abbreviate(entry.substring(colon + 1)) + "' is not a date pattern (letters as in"
                            + " java.time.format.DateTimeFormatter, e.g. dd/MM/yyyy HH:mm): " + e.getMessage())
                            .with("column", column);
                }
            }
            return formats;
        }

        /** The named columns, each of which must be in the header. */
        private Set<String> known(List<String> requested, List<String> header, String field) {
            Set<String> names = new LinkedHashSet<>();
            for (String name : requested) {
                String column = name.strip();
                if (column.isEmpty()) {
                    continue;
                }
                if (!header.contains(column)) {
                    throw DomainException.invalidField(field, "column '" + abbreviate(column)
                            + "' does not exist; the header has " + header.size() + " columns: " + list(header))
                            .with("column", column);
                }
                names.add(column);
            }
            return names;
        }

        private void row(List<String> record) {
            if (record.size() != columns) {
                throw located(DomainException.invalidInput(where() + ": expected " + columns + " columns, found "
                        + record.size()));
            }
            int width = profiles.length;
            int at = inChunk * width;
            for (int i = 0; i < columns; i++) {
                int position = storedAt[i];
                if (position >= 0) {
                    long cell = cell(record.get(i), profiles[position]);
                    cells[at + position] = cell;
                    content.add(cell, record.get(i));
                }
            }
            rows++;
            if (++inChunk == rowsPerChunk) {
                flush();
            }
        }

        private long cell(String raw, ColumnProfile column) {
            String text = trim(raw);
            if (text.isEmpty() || missingTokens.contains(text.toLowerCase(Locale.ROOT))) {
                return column.missing();
            }
            if (column.isTextColumn()) {
                return column.textValue(text, rows + 1);
            }
            if (column.textOnly()) {
                return text(text, column);
            }
            String number = column.strings() ? null : decimalText(text, column);
            if (column.isDateColumn() || column.dateCandidate(number != null)) {
                double seconds = column.dateSeconds(text);
                if (!Double.isNaN(seconds)) {
                    return column.date(seconds);
                }
                if (column.isDateColumn() || column.namedFormat() != null) {
                    String name = abbreviate(column.name());
                    throw badValue(column, "'" + abbreviate(text) + "' is not a date in the column's format ("
                            + column.formatDescription() + (column.isDateColumn() ? "; the rows before it are dates"
                            : "") + "). If it marks a missing value, list it in missing=; if the dates have another"
                            + " format, name it with dates=" + name + ":<pattern>; to keep the column as text, name it"
                            + " in categorical=");
                }
            }
            if (number != null) {
                double value = Double.parseDouble(number);
                if (!Double.isFinite(value)) {
                    throw badValue(column, "'" + abbreviate(text) + "' is out of range for a float64 (overflows to infinity)");
                }
                long cell = column.number(value);
                if (column.textLevels() > 0) {
                    checkLevels(column);
                }
                return cell;
            }
            String lower = text.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
            if (!column.strings() && (lower.equals("nan") || lower.equals("inf") || lower.equals("infinity"))) {
                throw badValue(column, "'" + abbreviate(text) + "' is not a finite number (to mark a missing value,"
                        + " leave the cell empty or use one of " + missingList + ")");
            }
            return text(text, column);
        }

        /**
         * A cell as a decimal number in '.' form ({@code 1,5} with a decimal comma is {@code 1.5}; {@code 12%} in a
         * column of percentages is {@code 12}), or null when it is not a number. A number with thousands separators
         * is a 400: netforge does not guess them. The first number of a column decides whether it holds
         * percentages; a column that mixes them with plain numbers is a 400 naming the cell.
         */
        private String decimalText(String text, ColumnProfile column) {
            // with a decimal comma a point is no part of a number; the comma becomes one
            String candidate = decimal == '.' ? text : text.indexOf('.') >= 0 ? null : text.replace(',', '.');
            String digits = candidate != null && isDecimal(candidate) ? candidate : null;
            boolean percent = false;
            if (digits == null && candidate != null && candidate.endsWith("%")
                    && isDecimal(candidate.substring(0, candidate.length() - 1))) {
                percent = true;
                digits = candidate.substring(0, candidate.length() - 1);
            }
            if (digits == null) {
                char first = text.charAt(0);
                if ((first >= '0' && first <= '9' || first == '+' || first == '-')
                        && (decimal == '.' ? THOUSANDS_AFTER_POINT : THOUSANDS_AFTER_COMMA).matcher(text).matches()) {
                    throw badValue(column, "'" + abbreviate(text) + "' has thousands separators, which are not read"
                            + " (they differ between locales): remove them" + (decimal == '.' ? ", or if ',' is the"
                            + " decimal mark, upload with decimal=, and a ';' or tab delimiter" : "")
                            + "; to keep the column as text, name it in categorical=");
                }
                return null;
            }
            Boolean percents = column.percents();
            if (percents == null) {
                if (column.textLevels() == 0) {
                    column.holdsPercents(percent);
                }
            } else if (percents != percent) {
                throw badValue(column, "'" + abbreviate(text) + "' is " + (percent ? "a percentage, but the rows"
                        + " before it are plain numbers" : "a plain number, but the rows before it are percentages")
                        + "; a column of percentages has '%' on every value");
            }
            return digits;
        }

        private long text(String text, ColumnProfile column) {
            if (column.knownText(text) < 0) {
                totalLevels++;
                totalLevelChars += text.length();
                long cell = column.text(text, rows + 1);
                checkLevels(column);
                return cell;
            }
            return column.text(text, rows + 1);
        }

        /**
         * A categorical column may not have more than {@code maxLevels} distinct values, nor all of them together
         * more than {@link #MAX_TOTAL_LEVELS} (or {@link #MAX_TOTAL_LEVEL_CHARS} characters): the column past a cap
         * becomes a text column (an id or free text), which keeps no values.
         */
        private void checkLevels(ColumnProfile column) {
            boolean mixed = column.numberLevels() > 0 && !column.textOnly();
            long levels = column.textLevels() + (column.textOnly() ? 0 : column.numberLevels());
            if (levels <= maxLevels && !(mixed && column.numbersOverflowed())
                    && totalLevels <= MAX_TOTAL_LEVELS && totalLevelChars <= MAX_TOTAL_LEVEL_CHARS) {
                return;
            }
            int limit = Math.min(MAX_COUNTED_TEXTS_PER_COLUMN, countBudget);
            countBudget -= limit;
            totalLevels -= column.becomeText(limit);
            totalLevelChars = 0;
            for (ColumnProfile other : profiles) {
                totalLevelChars += other.textChars();
            }
        }

        private DomainException badValue(ColumnProfile column, String problem) {
            return located(DomainException.invalidInput(where() + ", column '" + abbreviate(column.name()) + "': "
                    + problem)).with("column", column.name());
        }

        private void flush() {
            if (inChunk == 0) {
                return;
            }
            long firstRow = rows - inChunk;
            if (inChunk == rowsPerChunk) {
                sink.chunk(chunkIndex++, firstRow, inChunk, cells);
            } else {
                sink.chunk(chunkIndex++, firstRow, inChunk, Arrays.copyOf(cells, inChunk * profiles.length));
            }
            inChunk = 0;
        }

        private Result finish() {
            if (names == null) {
                throw upload.count() == 0
                        ? DomainException.invalidInput(source + ": the CSV is empty (0 bytes); expected a header row and data rows")
                        : DomainException.invalidInput(source + ": the CSV has no header row (only empty lines)");
            }
            if (rows == 0) {
                throw DomainException.invalidInput(source + ": the " + (lines ? "CSV" : "table")
                        + " has a header but no data rows");
            }
            flush();
            List<ColumnProfile.Profiled> profiled = new ArrayList<>(profiles.length);
            for (ColumnProfile column : profiles) {
                profiled.add(column.finish());
            }
            return new Result(parsedHeader, rows, chunkIndex, profiled, table != null ? table.sizeBytes() : upload.count(),
                    table != null ? table.sha256() : upload.sha256Hex(), content.finish(profiled));
        }

    /** Where the current record is: "row 17 (line 18)", or "header (line 1)" before the header was read. */
        private String where() {
            if (!lines) {
                return names == null ? "header" : "row " + (rows + 1);
            }
            return names == null ? "header (line " + recordLine + ")" : "row " + (rows + 1) + " (line " + recordLine + ")";
        }

        /** Adds the current record's place as {@code row} (unless it is the header) and {@code line} members. */
        private DomainException located(DomainException e) {
            if (!lines) {
                return names == null ? e : e.with("row", rows + 1);
            }
            return names == null ? e.with("line", recordLine) : e.with("row", rows + 1).with("line", recordLine);
        }
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}, ASCII digits only. */
    static boolean isDecimal(String s) {
        return Decimal.isDecimal(s);
    }

    private static boolean isBlank(CSVRecord record) {
        return record.size() == 1 && trim(record.get(0)).isEmpty();
    }

    /** Strips spaces and tabs (not other whitespace) from both ends. */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }

    private static String list(List<String> names) {
        List<String> shown = names.size() <= 12 ? names : names.subList(0, 12);
        String text = String.join(", ", shown.stream().map(CsvDatasetParser::abbreviate).toList());
        return names.size() <= 12 ? text : text + ", ...";
    }
}

package io.netforge.dataset;

import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;

import io.netforge.system.ApiException;

/**
 * Reads an uploaded CSV as a stream, validates it and hands its rows to a {@link Sink} a bounded chunk at a
 * time; it never holds more than one chunk and one record.
 *
 * <p>The format: UTF-8 (a BOM is skipped), RFC 4180 quoting, LF or CRLF line ends, a header row, then data
 * rows. Empty lines (and lines of only spaces and tabs) are skipped anywhere. Names and values are trimmed of
 * spaces and tabs. The label column is the one named by the caller, else the last; every other column is a
 * feature and must hold a finite decimal number ({@code [+-]digits[.digits][e[+-]digits]}, quoted or not).
 * The label must take exactly two distinct values (compared as trimmed text).
 *
 * <p>Errors are {@link ApiException}s whose detail names the place: "row" counts data rows from 1 (the
 * header and empty lines are not rows), "line" is the physical line the row starts on, counting from 1.
 * Malformed input is 400, a label that does not give two classes 422, more than {@code maxBytes} 413.
 *
 * <p>Spring-free and thread-safe; each {@link #parse} call keeps its own state.
 */
final class CsvDatasetParser {

    /** Upper bound on the features of one chunk: {@code rows * featureCount * 8} bytes. */
    static final int CHUNK_FEATURE_BYTES = 1 << 20;

    /** Longest record, in characters; bounds memory for a never-closed quote or a file without line breaks. */
    static final int MAX_RECORD_CHARS = 4 << 20;

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

    private final long maxBytes;
    private final int maxColumns;
    private final int chunkFeatureBytes;

    CsvDatasetParser(long maxBytes, int maxColumns) {
        this(maxBytes, maxColumns, CHUNK_FEATURE_BYTES);
    }

    /** {@code chunkFeatureBytes} below the default lets tests see many chunks from small files. */
    CsvDatasetParser(long maxBytes, int maxColumns, int chunkFeatureBytes) {
        this.maxBytes = maxBytes;
        this.maxColumns = maxColumns;
        this.chunkFeatureBytes = chunkFeatureBytes;
    }

    /** Receives a table while it is parsed. An exception thrown here ends the parse with that exception. */
    interface Sink {

        /** Called once, after the header was validated and before the first chunk. */
        void start(List<String> features, String label);

        /**
         * A run of complete rows, in order. {@code features} holds exactly {@code rows * featureCount} values,
         * row-major; {@code labelCodes} holds {@code rows} stored label codes: 0 for the first label value seen
         * in the file, 1 for the second. Both arrays are valid only during the call.
         */
        void chunk(int index, long firstRow, int rows, double[] features, byte[] labelCodes);
    }

    /** One class of the label, sorted (index in {@link Result#classes()} is its class code 0 or 1). */
    record ParsedClass(String value, long count, int storedCode) {
    }

    /** What was parsed, once the whole upload was read. */
    record Result(List<String> features, String label, long rows, int chunks, List<ParsedClass> classes,
            boolean numericLabels, long sizeBytes, String sha256) {
    }

    /**
     * Parses {@code body} to its end.
     *
     * @param source      how to name the upload in messages, e.g. "file" or "request body"
     * @param labelColumn name of the label column, or null/blank for the last column
     */
    Result parse(InputStream body, String source, String labelColumn, Sink sink) {
        return new Pass(body, source, labelColumn, sink).run();
    }

    /** The state of one parse. */
    private final class Pass {

        private final UploadInputStream upload;
        private final String source;
        private final String labelColumn;
        private final Sink sink;

        private long rows;          // data rows accepted so far
        private long recordLine;    // physical line the current record starts on
        private long linesBefore;   // line ends consumed before the current record
        private long recordChars;   // characters read since the current record started

        private int columns;
        private int labelIndex;
        private String labelName;
        private List<String> names;

        private final String[] labelValues = new String[2];
        private final long[] labelCounts = new long[2];
        private final long[] labelFirstRow = new long[2];

        private int rowsPerChunk;
        private double[] features;
        private byte[] codes;
        private int inChunk;
        private int chunkIndex;

        Pass(InputStream body, String source, String labelColumn, Sink sink) {
            this.upload = new UploadInputStream(body, maxBytes);
            this.source = source;
            this.labelColumn = labelColumn == null || labelColumn.isBlank() ? null : labelColumn.strip();
            this.sink = sink;
        }

        Result run() {
            try (CSVParser csv = CSVParser.builder().setReader(reader()).setFormat(FORMAT).get()) {
                Iterator<CSVRecord> records = csv.iterator();
                CSVRecord record;
                while ((record = next(records, csv)) != null) {
                    if (isBlank(record)) {
                        continue;
                    }
                    if (names == null) {
                        header(record);
                    } else {
                        row(record);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // closing a reader over a request stream; not expected
            }
            return finish();
        }

        private Reader reader() throws IOException {
            InputStream withoutBom = BOMInputStream.builder().setInputStream(upload).get();
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return new FilterReader(new InputStreamReader(withoutBom, decoder)) {
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
        }

        private void budget(int chars) {
            recordChars += Math.max(chars, 0);
            if (recordChars > MAX_RECORD_CHARS + 16_384L) { // slack: the CSV reader buffers ahead
                throw located(ApiException.badRequest(where() + ": a record longer than " + MAX_RECORD_CHARS
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
                throw located(ApiException.badRequest(where() + ": " + what));
            }
        }

        private void header(CSVRecord record) {
            int count = record.size();
            String at = where();
            if (count > maxColumns) {
                throw located(ApiException.badRequest(at + ": " + count + " columns; at most " + maxColumns
                        + " are allowed"));
            }
            if (count < 2) {
                throw located(ApiException.badRequest(at + ": found " + count
                        + " column; at least 2 are needed (one or more features and the label)"));
            }
            List<String> header = new ArrayList<>(count);
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < count; i++) {
                String name = trim(record.get(i));
                if (name.isEmpty()) {
                    throw located(ApiException.badRequest(at + ": column " + (i + 1) + " has an empty name"))
                            .with("columnIndex", i + 1);
                }
                Integer before = seen.putIfAbsent(name, i);
                if (before != null) {
                    throw located(ApiException.badRequest(at + ": duplicate column name '" + abbreviate(name)
                            + "' (columns " + (before + 1) + " and " + (i + 1) + ")")).with("column", name);
                }
                header.add(name);
            }
            labelIndex = labelColumn == null ? count - 1 : header.indexOf(labelColumn);
            if (labelIndex < 0) {
                throw ApiException.invalidField("label", "column '" + abbreviate(labelColumn)
                        + "' does not exist; the header has " + count + " columns: " + list(header));
            }
            labelName = header.get(labelIndex);
            columns = count;
            names = header;
            List<String> featureNames = new ArrayList<>(header);
            featureNames.remove(labelIndex);
            int featureCount = featureNames.size();
            rowsPerChunk = Math.max(1, chunkFeatureBytes / (Double.BYTES * featureCount));
            features = new double[rowsPerChunk * featureCount];
            codes = new byte[rowsPerChunk];
            sink.start(List.copyOf(featureNames), labelName);
        }

        private void row(CSVRecord record) {
            long row = rows + 1;
            if (record.size() != columns) {
                throw located(ApiException.badRequest(where() + ": expected " + columns + " columns, found "
                        + record.size()));
            }
            int at = inChunk * (columns - 1);
            for (int i = 0; i < columns; i++) {
                if (i != labelIndex) {
                    features[at++] = number(record.get(i), i);
                }
            }
            codes[inChunk] = labelCode(trim(record.get(labelIndex)));
            rows = row;
            if (++inChunk == rowsPerChunk) {
                flush();
            }
        }

        private double number(String raw, int column) {
            String text = trim(raw);
            if (isDecimal(text)) {
                double value = Double.parseDouble(text);
                if (Double.isFinite(value)) {
                    return value;
                }
                throw badValue(column, "'" + abbreviate(text) + "' is out of range for a float64 (overflows to infinity)");
            }
            if (text.isEmpty()) {
                throw badValue(column, "empty value; every feature must be a number");
            }
            String lower = text.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
            if (lower.equals("nan") || lower.equals("inf") || lower.equals("infinity")) {
                throw badValue(column, "'" + abbreviate(text) + "' is not a finite number");
            }
            throw badValue(column, "'" + abbreviate(text) + "' is not a number");
        }

        private ApiException badValue(int column, String problem) {
            String name = names.get(column);
            return located(ApiException.badRequest(where() + ", column '" + abbreviate(name) + "': " + problem))
                    .with("column", name);
        }

        private byte labelCode(String value) {
            long row = rows + 1;
            if (value.isEmpty()) {
                throw located(ApiException.badRequest(where() + ", column '" + abbreviate(labelName) + "': empty label"))
                        .with("column", labelName);
            }
            for (int code = 0; code < 2; code++) {
                if (labelValues[code] == null) {
                    labelValues[code] = value;
                    labelFirstRow[code] = row;
                }
                if (labelValues[code].equals(value)) {
                    labelCounts[code]++;
                    return (byte) code;
                }
            }
            throw ApiException.unprocessable("label column '" + abbreviate(labelName)
                    + "' has more than two distinct values: '" + abbreviate(labelValues[0]) + "' (first in row "
                    + labelFirstRow[0] + "), '" + abbreviate(labelValues[1]) + "' (first in row " + labelFirstRow[1]
                    + "), '" + abbreviate(value) + "' (" + where() + "); a binary label needs exactly two")
                    .with("column", labelName).with("values", List.of(labelValues[0], labelValues[1], value))
                    .with("row", row).with("line", recordLine);
        }

        private void flush() {
            if (inChunk == 0) {
                return;
            }
            int featureCount = columns - 1;
            long firstRow = rows - inChunk;
            if (inChunk == rowsPerChunk) {
                sink.chunk(chunkIndex++, firstRow, inChunk, features, codes);
            } else {
                sink.chunk(chunkIndex++, firstRow, inChunk, Arrays.copyOf(features, inChunk * featureCount),
                        Arrays.copyOf(codes, inChunk));
            }
            inChunk = 0;
        }

        private Result finish() {
            if (names == null) {
                throw upload.count() == 0
                        ? ApiException.badRequest(source + ": the CSV is empty (0 bytes); expected a header row and data rows")
                        : ApiException.badRequest(source + ": the CSV has no header row (only empty lines)");
            }
            if (rows == 0) {
                throw ApiException.badRequest(source + ": the CSV has a header but no data rows");
            }
            if (labelValues[1] == null) {
                throw ApiException.unprocessable("label column '" + abbreviate(labelName) + "' has a single value, '"
                        + abbreviate(labelValues[0]) + "', in all " + rows + (rows == 1 ? " row" : " rows")
                        + "; a binary label needs exactly two distinct values")
                        .with("column", labelName).with("values", List.of(labelValues[0]));
            }
            flush();
            boolean numeric = isFiniteNumber(labelValues[0]) && isFiniteNumber(labelValues[1]);
            int order;
            if (numeric) {
                order = Double.compare(Double.parseDouble(labelValues[0]), Double.parseDouble(labelValues[1]));
                if (order == 0) {
                    throw ApiException.unprocessable("label column '" + abbreviate(labelName) + "': the values '"
                            + abbreviate(labelValues[0]) + "' and '" + abbreviate(labelValues[1])
                            + "' are the same number; a binary label needs two different values")
                            .with("column", labelName).with("values", List.of(labelValues[0], labelValues[1]));
                }
            } else {
                order = labelValues[0].compareTo(labelValues[1]);
            }
            int first = order < 0 ? 0 : 1;
            List<ParsedClass> classes = List.of(
                    new ParsedClass(labelValues[first], labelCounts[first], first),
                    new ParsedClass(labelValues[1 - first], labelCounts[1 - first], 1 - first));
            List<String> featureNames = new ArrayList<>(names);
            featureNames.remove(labelIndex);
            return new Result(List.copyOf(featureNames), labelName, rows, chunkIndex, classes, numeric,
                    upload.count(), upload.sha256Hex());
        }

        /** Where the current record is: "row 17 (line 18)", or "header (line 1)" before the header was read. */
        private String where() {
            return names == null ? "header (line " + recordLine + ")" : "row " + (rows + 1) + " (line " + recordLine + ")";
        }

        /** Adds the current record's place as {@code row} (unless it is the header) and {@code line} members. */
        private ApiException located(ApiException e) {
            return names == null ? e.with("line", recordLine) : e.with("row", rows + 1).with("line", recordLine);
        }
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}, ASCII digits only. */
    static boolean isDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    static boolean isFiniteNumber(String s) {
        return isDecimal(s) && Double.isFinite(Double.parseDouble(s));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isBlank(CSVRecord record) {
        return record.size() == 1 && trim(record.get(0)).isEmpty();
    }

    /** Strips spaces and tabs (not other whitespace) from both ends. */
    private static String trim(String s) {
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

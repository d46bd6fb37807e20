package io.netforge.prediction;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import io.netforge.problem.DomainException;
import io.netforge.tabular.Prediction;

/**
 * Scores a CSV of any length with bounded memory: the body is spooled to a temporary file, read once to check every
 * row (so that a bad row is a 400 naming it, before any answer is sent), then read again in batches that are
 * predicted and written out as they go. A header row names the columns; every feature must be among them, other
 * columns are left alone.
 */
final class CsvScoring implements AutoCloseable {

    /** Rows predicted at once in the second pass. */
    static final int BATCH = 1024;

    static final List<String> MISSING = List.of("NA", "N/A", "null", "NaN", "?");

    private final LoadedModel model;
    private final Path file;
    private final TabularRows columns;
    private final long rows;

    /**
     * Spools and checks the body.
     *
     * @throws DomainException 400 naming the row and column of the first bad value; 413 beyond {@code maxBytes}
     */
    CsvScoring(LoadedModel model, InputStream body, long declaredBytes, long maxBytes) throws IOException {
        if (declaredBytes > maxBytes) {
            throw tooLarge(maxBytes);
        }
        this.model = model;
        this.file = Files.createTempFile("netforge-score-", ".csv");
        try {
            spool(body, maxBytes);
            long count = 0;
            TabularRows header = null;
            try (CSVParser parser = parser()) {
                header = new TabularRows(model.encoding(), parser.getHeaderNames(), "header");
                int width = parser.getHeaderNames().size();
                Iterator<CSVRecord> records = parser.iterator();
                while (budget.next(count + 2) && records.hasNext()) { // rows counted as lines: the header is row 1
                    CSVRecord record = records.next();
                    count++;
                    check(record, width, header);
                }
            } catch (java.io.UncheckedIOException e) {
                throw unreadable(e.getCause());
            }
            if (count == 0) {
                throw DomainException.invalidInput("the CSV has a header but no rows");
            }
            this.columns = header;
            this.rows = count;
        } catch (RuntimeException | IOException e) {
            close();
            throw e;
        }
    }

    long rows() {
        return rows;
    }

    private void spool(InputStream body, long maxBytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = body.read(buffer)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
        }
        if (Files.size(file) == 0) {
            throw DomainException.invalidInput("the CSV is empty; expected a header row naming the features, then rows");
        }
    }

    private static DomainException tooLarge(long maxBytes) {
        return DomainException.tooLarge("the CSV is larger than the limit of " + maxBytes
                + " bytes (netforge.prediction.csv.max-bytes)").with("limitBytes", maxBytes);
    }

    private void check(CSVRecord record, int width, TabularRows header) {
        long line = record.getRecordNumber() + 1;
        if (record.size() != width) {
            throw DomainException.invalidInput("row " + line + ": expected " + width + " columns, found " + record.size())
                    .with("row", line);
        }
        try {
            header.row(record, MISSING, "row " + line);
        } catch (DomainException e) {
            throw e.with("row", line);
        }
    }

    /** Characters one record (the header too) may have, as an upload's: one row cannot fill the heap. */
    static final int MAX_RECORD_CHARS = 4 << 20;

    /** The characters read since the current record began, for the parser {@link #parser()} made last. */
    private RecordBudget budget;

    /** Counts the characters of a record as the parser reads them; past the bound, the row is refused (400). */
    private static final class RecordBudget extends java.io.FilterReader {

        private long used;
        private long row;

        RecordBudget(Reader in) {
            super(in);
        }

        /** The next record (row {@code row} as the answers count them: the header is row 1) begins; always true. */
        boolean next(long row) {
            this.row = row;
            used = 0;
            return true;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            spend(c < 0 ? 0 : 1);
            return c;
        }

        @Override
        public int read(char[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            spend(n);
            return n;
        }

        private void spend(int chars) {
            used += Math.max(chars, 0);
            if (used > MAX_RECORD_CHARS + 16_384L) { // slack: the parser reads ahead
                throw DomainException.invalidInput((row <= 1 ? "header" : "row " + row) + ": longer than "
                        + MAX_RECORD_CHARS + " characters (is a quote never closed?)").with("row", row);
            }
        }
    }

    private CSVParser parser() throws IOException {
        budget = new RecordBudget(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)));
        budget.next(1);
        Reader reader = budget;
        try {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                    .setAllowMissingColumnNames(true).get().parse(reader);
        } catch (IllegalArgumentException e) {
            reader.close();
            throw DomainException.invalidInput("header: " + e.getMessage()).with("field", "header");
        } catch (UncheckedIOException | IOException e) {
            reader.close();
            throw unreadable(e instanceof UncheckedIOException u ? u.getCause() : e);
        }
    }

    private static DomainException unreadable(Throwable cause) {
        if (cause instanceof CharacterCodingException) {
            return DomainException.invalidInput("the CSV is not UTF-8 text");
        }
        return DomainException.invalidInput("the CSV could not be read: " + (cause == null ? "malformed" : cause.getMessage()));
    }

    /** The output columns of this model's task. */
    List<String> outputHeader() {
        return outputHeader(model);
    }

    /** The columns of a CSV answer: {@code probability,label}, {@code label,probability_<class>...} or {@code value}. */
    static List<String> outputHeader(LoadedModel model) {
        return model.task().columns(model.classNames());
    }

    /** Writes one output row per input row, in order, as CSV. */
    void writeCsv(OutputStream out) throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        try (CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            printer.printRecord(outputHeader());
            forEachBatch(predictions -> {
                for (Prediction p : predictions) {
                    try {
                        printer.printRecord(p.cells());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }
    }

    /** Writes {@code /predict}'s JSON answer, for clients that ask for JSON. */
    void writeJson(java.util.UUID id, OutputStream out, tools.jackson.databind.json.JsonMapper json) throws IOException {
        json.writeValue(out, new PredictResponse(id, model, all()));
    }

    /** All predictions, for the JSON answers (the caller has checked the row count). */
    List<Prediction> all() throws IOException {
        List<Prediction> all = new ArrayList<>((int) rows);
        forEachBatch(all::addAll);
        return all;
    }

    private void forEachBatch(java.util.function.Consumer<List<Prediction>> sink) throws IOException {
        try (CSVParser parser = parser()) {
            Iterator<CSVRecord> records = parser.iterator();
            List<double[]> batch = new ArrayList<>(BATCH);
            long row = 1;
            while (budget.next(++row) && records.hasNext()) {
                CSVRecord record = records.next();
                batch.add(columns.row(record, MISSING, "row " + (record.getRecordNumber() + 1)));
                if (batch.size() == BATCH || !records.hasNext()) {
                    sink.accept(model.predict(batch.toArray(double[][]::new)));
                    batch.clear();
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}

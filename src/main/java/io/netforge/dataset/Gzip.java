package io.netforge.dataset;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import io.netforge.problem.DomainException;

/**
 * Gzip-compressed uploads ({@code Content-Encoding: gzip}, a {@code .gz} file part): the JDK's inflater, wrapped so
 * that a stream that is not gzip, or is corrupt or cut short, is a 400 naming the upload, never a 500. The CSV it
 * inflates to is read and bounded like any other (the upload limit applies to it as well as to the compressed
 * bytes), so a small file that inflates without end is a 413 after the limit, not a full disk or heap.
 */
final class Gzip {

    private static final int BUFFER = 64 * 1024;

    private Gzip() {
    }

    /** Whether a multipart file part is gzip: its name ends in {@code .gz} or its type says so. */
    static boolean isGzipPart(String fileName, String contentType) {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return name.endsWith(".gz") || type.startsWith("application/gzip") || type.startsWith("application/x-gzip");
    }

    /** A file name without its {@code .gz} ending, if it has one. */
    static String withoutSuffix(String fileName) {
        return fileName != null && fileName.toLowerCase(Locale.ROOT).endsWith(".gz")
                ? fileName.substring(0, fileName.length() - 3) : fileName;
    }

    /**
     * Whether a request body's {@code Content-Encoding} asks for inflating: gzip (or x-gzip) yes; none or identity
     * no; anything else a 415.
     */
    static boolean isGzipEncoding(String contentEncoding) {
        if (contentEncoding == null || contentEncoding.isBlank()
                || contentEncoding.strip().equalsIgnoreCase("identity")) {
            return false;
        }
        String encoding = contentEncoding.strip().toLowerCase(Locale.ROOT);
        if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
            return true;
        }
        throw DomainException.unsupportedMediaType("Content-Encoding '" + contentEncoding + "' is not supported;"
                + " send the CSV as it is, or gzip-compressed with Content-Encoding: gzip")
                .with("accepted", java.util.List.of("gzip", "identity"));
    }

    /** The inflated bytes of {@code compressed}; {@code source} names the upload in messages ("file", ...). */
    static InputStream inflate(InputStream compressed, String source) {
        try {
            return new Checked(new GZIPInputStream(compressed, BUFFER), source);
        } catch (ZipException | EOFException e) {
            throw invalid(source, e);
        } catch (IOException e) {
            DomainException failure = DomainException.invalidInput(source + ": the upload could not be read");
            failure.initCause(e);
            throw failure;
        }
    }

    private static DomainException invalid(String source, IOException e) {
        String why = e instanceof EOFException ? "it ends before the compressed data does (cut short?)"
                : e.getMessage() == null ? "corrupt data" : e.getMessage();
        DomainException failure = DomainException.invalidInput(source + ": not a valid gzip stream: " + why
                + "; send the CSV gzip-compressed whole, or uncompressed");
        failure.initCause(e);
        return failure;
    }

    /** Turns the inflater's failures into the 400 they are. */
    private static final class Checked extends FilterInputStream {

        private final String source;

        Checked(InputStream in, String source) {
            super(in);
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (ZipException | EOFException e) {
                throw invalid(source, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (ZipException | EOFException e) {
                throw invalid(source, e);
            }
        }
    }
}

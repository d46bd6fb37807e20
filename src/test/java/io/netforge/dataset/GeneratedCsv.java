package io.netforge.dataset;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A CSV of {@value #FEATURES} features {@code x0..x19} and a 0/1 label {@code y}, generated row by row as it is
 * read, so a test can send tens of MB without ever holding them. Values come from {@link #value} and
 * {@link #label}, so a reader can check every stored number; SHA-256 and byte count are kept as bytes are served.
 */
final class GeneratedCsv extends InputStream {

    static final int FEATURES = 20;

    private final long rows;
    private final long poisonRow;
    private final MessageDigest sha256;
    private byte[] line = new byte[0];
    private int at;
    private long row = -1; // 0 is the header, data rows are 1..rows
    private volatile long served;

    /** A valid CSV of {@code rows} data rows. */
    GeneratedCsv(long rows) {
        this(rows, 0);
    }

    /** As above, but data row {@code poisonRow} (1-based) has "inf" in column x3, which is not a number (400). */
    GeneratedCsv(long rows, long poisonRow) {
        this.rows = rows;
        this.poisonRow = poisonRow;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Feature {@code column} of data row {@code row} (1-based); exact in decimal, so text round-trips. */
    static double value(long row, int column) {
        long h = Math.floorMod(row * 2654435761L + column * 40503L, 200_001L);
        return (h - 100_000) / 64.0;
    }

    static int label(long row) {
        return row % 3 == 0 ? 1 : 0;
    }

    /** How many data rows have label 1. */
    static long ones(long rows) {
        return rows / 3;
    }

    /** Size in bytes of the CSV of {@code rows} rows, computed by generating it. */
    static long size(long rows) {
        GeneratedCsv csv = new GeneratedCsv(rows);
        byte[] buffer = new byte[1 << 16];
        while (csv.read(buffer, 0, buffer.length) > 0) {
            // count only
        }
        return csv.served();
    }

    /** All of it in memory: only for the few tests that need a byte[] (a multipart body). */
    byte[] readAllBytesUnchecked() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = read(buffer, 0, buffer.length)) > 0;) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    long served() {
        return served;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    private boolean nextLine() {
        if (++row > rows) {
            return false;
        }
        StringBuilder text = new StringBuilder(FEATURES * 10);
        for (int j = 0; j < FEATURES; j++) {
            if (row == 0) {
                text.append('x').append(j);
            } else if (row == poisonRow && j == 3) {
                text.append("inf");
            } else {
                text.append(value(row, j));
            }
            text.append(',');
        }
        text.append(row == 0 ? "y" : String.valueOf(label(row))).append('\n');
        line = text.toString().getBytes(StandardCharsets.US_ASCII);
        at = 0;
        return true;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        int n = 0;
        while (n < len) {
            if (at == line.length && !nextLine()) {
                break;
            }
            int take = Math.min(len - n, line.length - at);
            System.arraycopy(line, at, b, off + n, take);
            sha256.update(line, at, take);
            at += take;
            n += take;
        }
        served += n;
        return n == 0 && len > 0 ? -1 : n;
    }
}

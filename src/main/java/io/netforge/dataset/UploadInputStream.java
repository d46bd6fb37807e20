package io.netforge.dataset;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.netforge.problem.DomainException;

/**
 * The raw bytes of an upload as they stream past: counts them, hashes them (SHA-256), stops with 413 as
 * soon as more than {@code maxBytes} arrive, and rejects anything that is not UTF-8 text (malformed or
 * truncated sequences, overlong forms, surrogates, NUL bytes) with 400, naming the byte offset and line.
 *
 * <p>A failure to read the underlying stream (client gone, connection reset) becomes a 400 too, so the
 * caller's transaction rolls back like for any other bad upload.
 */
final class UploadInputStream extends FilterInputStream {

    private final long maxBytes;
    private final MessageDigest sha256;
    private long count;
    private long line = 1;
    private boolean eof;

    // UTF-8 decoder state (Unicode 15, table 3-7): continuation bytes still expected, and the allowed
    // range of the next one (narrower than 80..BF right after E0, ED, F0 and F4).
    private int pending;
    private int nextLow = 0x80;
    private int nextHigh = 0xBF;
    private String sequence = "";   // the bytes of the sequence in progress, for messages
    private long sequenceStart;

    UploadInputStream(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Bytes read so far. */
    long count() {
        return count;
    }

    /** Hex SHA-256 of everything read so far; call it once, after the end of the stream. */
    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Whether the stream has been read to its end. */
    boolean atEnd() {
        return eof;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (eof) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        // Never ask for more than one byte beyond the limit: crossing it must stop the upload there.
        long remaining = maxBytes - count;
        int want = remaining < len ? (int) remaining + 1 : len;
        int n;
        try {
            n = in.read(b, off, want);
        } catch (IOException e) {
            DomainException failure = DomainException.invalidInput("the upload could not be read to its end after "
                    + count + " bytes (connection closed or reset)");
            failure.initCause(e);
            throw failure;
        }
        if (n < 0) {
            eof = true;
            if (pending > 0) {
                throw notUtf8("truncated UTF-8 sequence " + sequence + " at byte offset " + sequenceStart
                        + " (line " + line + "): the last character is cut off");
            }
            return -1;
        }
        if (count + n > maxBytes) {
            throw DomainException.tooLarge("the upload is larger than the limit of " + maxBytes + " bytes")
                    .with("limitBytes", maxBytes);
        }
        for (int i = off; i < off + n; i++) {
            check(b[i] & 0xFF, count + (i - off));
        }
        sha256.update(b, off, n);
        count += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still be counted, hashed and checked.
        byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        int read = read(buffer, 0, buffer.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check(int b, long offset) {
        if (pending > 0) {
            if (b < nextLow || b > nextHigh) {
                throw notUtf8(String.format("invalid UTF-8 sequence %s %02X at byte offset %d (line %d)",
                        sequence, b, sequenceStart, line));
            }
            sequence += String.format(" %02X", b);
            pending--;
            nextLow = 0x80;
            nextHigh = 0xBF;
            return;
        }
        if (b == 0) {
            throw notUtf8("NUL byte at byte offset " + offset + " (line " + line + ")");
        }
        if (b < 0x80) {
            if (b == '\n') {
                line++;
            }
            return;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            pending = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            pending = 2;
            if (b == 0xE0) {
                nextLow = 0xA0; // no overlong forms
            } else if (b == 0xED) {
                nextHigh = 0x9F; // no UTF-16 surrogates
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            pending = 3;
            if (b == 0xF0) {
                nextLow = 0x90;
            } else if (b == 0xF4) {
                nextHigh = 0x8F; // nothing above U+10FFFF
            }
        } else {
            throw notUtf8(String.format("invalid UTF-8 byte %02X at byte offset %d (line %d)", b, offset, line));
        }
        sequence = String.format("%02X", b);
        sequenceStart = offset;
    }

    private static DomainException notUtf8(String what) {
        return DomainException.invalidInput("the upload is not a UTF-8 text CSV: " + what);
    }
}

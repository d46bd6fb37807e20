package io.netforge.dataset;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The SHA-256 of a table as it is stored, whatever file it came in (a CSV, the same CSV gzip-compressed, a Parquet
 * file of the same values): every stored cell in row order, as its kind and value (a missing cell; a number,
 * date or percentage as the 64 bits of the double stored; text as its UTF-8 bytes, trimmed as the parser trims
 * it), then each column's name and type. Two uploads with the same hash hold the same typed cells, so models trained on them are the same.
 */
final class ContentHash {

    private static final byte MISSING = 0;
    private static final byte NUMBER = 1;
    private static final byte TEXT = 2;

    private final MessageDigest sha256;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

    ContentHash() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** One stored cell, and the text it was read from (used for text cells only). */
    void add(long cell, String raw) {
        if (cell == ColumnProfile.MISSING) {
            room(1);
            buffer.put(MISSING);
        } else if (ColumnProfile.isText(cell)) {
            byte[] text = CsvDatasetParser.trim(raw).getBytes(StandardCharsets.UTF_8); // as the parser trims it
            room(5);
            buffer.put(TEXT).putInt(text.length);
            put(text);
        } else {
            room(9);
            buffer.put(NUMBER).putLong(cell);
        }
    }

    /** The hash, once every row was added: with the columns' names and types. */
    String finish(List<ColumnProfile.Profiled> columns) {
        for (ColumnProfile.Profiled profiled : columns) {
            byte[] name = profiled.column().name().getBytes(StandardCharsets.UTF_8);
            byte[] type = profiled.column().type().id().getBytes(StandardCharsets.UTF_8);
            room(8);
            buffer.putInt(name.length);
            put(name);
            room(4);
            buffer.putInt(type.length);
            put(type);
        }
        flush();
        return HexFormat.of().formatHex(sha256.digest());
    }

    private void put(byte[] bytes) {
        if (bytes.length > buffer.remaining()) {
            flush();
            sha256.update(bytes);
        } else {
            buffer.put(bytes);
        }
    }

    private void room(int bytes) {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    private void flush() {
        sha256.update(buffer.array(), 0, buffer.position());
        buffer.clear();
    }
}

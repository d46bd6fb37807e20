package io.netforge.dataset;

import java.nio.charset.StandardCharsets;

/**
 * Counts the distinct values of a text column (ids, titles, free text) without keeping them: a set of their 64-bit
 * hashes, open addressing over one primitive array (16 bytes a value at most half full), up to a limit. Past the limit
 * the count stops (the column has "more than" that many) and whether every value was unique is no longer known. Two
 * different values with the same hash count once; for a million values the odds of any such pair are about 3e-8.
 */
final class DistinctTexts {

    private static final long EMPTY = 0;

    private final int limit;
    private long[] keys = new long[16];
    private int size;
    private boolean overflowed;
    private boolean repeated;

    DistinctTexts(int limit) {
        this.limit = limit;
    }

    /** Counts {@code times} occurrences of a value. */
    void add(String value, long times) {
        if (times > 1) {
            repeated = true;
        }
        if (overflowed) {
            return;
        }
        long key = hash(value);
        int mask = keys.length - 1;
        int slot = (int) (key ^ (key >>> 32)) & mask;
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                repeated = true;
                return;
            }
            slot = (slot + 1) & mask;
        }
        if (size == limit) {
            overflowed = true;
            keys = null;
            return;
        }
        keys[slot] = key;
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    /** Marks the count as a lower bound (values were seen that could not be counted). */
    void stopCounting() {
        overflowed = true;
        keys = null;
    }

    /** Distinct values: exact unless {@link #exact()} is false, then a lower bound. */
    long size() {
        return size;
    }

    boolean exact() {
        return !overflowed;
    }

    /** Whether every value occurred once; null when that is no longer known. */
    Boolean unique() {
        return repeated ? Boolean.FALSE : overflowed ? null : Boolean.TRUE;
    }

    private void grow() {
        long[] old = keys;
        keys = new long[old.length * 2];
        int mask = keys.length - 1;
        for (long key : old) {
            if (key != EMPTY) {
                int slot = (int) (key ^ (key >>> 32)) & mask;
                while (keys[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = key;
            }
        }
    }

    /** FNV-1a over the UTF-8 bytes, then the MurmurHash3 finaliser; never {@link #EMPTY}. */
    static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == EMPTY ? 1 : h;
    }
}

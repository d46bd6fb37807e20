package io.netforge.dataset;

import java.util.Arrays;

/**
 * Counts the distinct numbers of one column, up to a limit: past it the column has "more than limit" distinct
 * values and the counts are dropped, so a column of measurements costs at most {@code limit} entries. Open
 * addressing over primitive arrays (24 bytes an entry at most half full): a map of boxed doubles would cost five
 * times that, and a wide upload tracks thousands of columns at once under a small heap.
 *
 * <p>{@code -0.0} counts as {@code 0.0}: they are the same number.
 */
final class DistinctNumbers {

    private static final long EMPTY = 0x7ff8_0000_0000_0000L; // NaN: never a key, the parser stores no NaN numbers

    private final int limit;
    private long[] keys;
    private long[] counts;
    private int size;
    private boolean overflowed;

    DistinctNumbers(int limit) {
        this.limit = limit;
        allocate(16);
    }

    /** Counts one value; returns false once the column has more than {@code limit} distinct values. */
    boolean add(double value) {
        if (overflowed) {
            return false;
        }
        long key = Double.doubleToRawLongBits(value == 0 ? 0.0 : value);
        int mask = keys.length - 1;
        int slot = mix(key) & mask;
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                counts[slot]++;
                return true;
            }
            slot = (slot + 1) & mask;
        }
        if (size == limit) {
            overflowed = true;
            keys = null;
            counts = null;
            return false;
        }
        keys[slot] = key;
        counts[slot] = 1;
        if (++size * 2 > keys.length) {
            grow();
        }
        return true;
    }

    boolean overflowed() {
        return overflowed;
    }

    /** Distinct values seen: exact unless {@link #overflowed()}, then {@code limit + 1} (a lower bound). */
    int size() {
        return overflowed ? limit + 1 : size;
    }

    /** The values in ascending order and, at the same index, how often each occurred; empty once overflowed. */
    double[] values() {
        if (overflowed) {
            return new double[0];
        }
        double[] values = new double[size];
        int at = 0;
        for (long key : keys) {
            if (key != EMPTY) {
                values[at++] = Double.longBitsToDouble(key);
            }
        }
        Arrays.sort(values);
        return values;
    }

    long count(double value) {
        long key = Double.doubleToRawLongBits(value == 0 ? 0.0 : value);
        int mask = keys.length - 1;
        for (int slot = mix(key) & mask; keys[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                return counts[slot];
            }
        }
        return 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldCounts = counts;
        allocate(oldKeys.length * 2);
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = mix(oldKeys[i]) & mask;
                while (keys[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                counts[slot] = oldCounts[i];
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        counts = new long[capacity];
        Arrays.fill(keys, EMPTY);
    }

    /** Spreads the bits of a double (whose low bits are often all zero) over the table. */
    private static int mix(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32));
    }
}

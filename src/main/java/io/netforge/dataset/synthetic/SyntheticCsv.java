package io.netforge.dataset.synthetic;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Generated data as the CSV an upload would be, read lazily a row at a time (the text of a large dataset is never
 * held whole): a header {@code x0,...,y}, then each row's features in Java's shortest round-trip form (so the stored
 * doubles are exactly the generated ones) and its integer class.
 */
public final class SyntheticCsv extends InputStream {

    private final SyntheticData data;
    private byte[] line;
    private int position;
    private int nextRow = -1;

    public SyntheticCsv(SyntheticData data) {
        this.data = data;
        StringBuilder header = new StringBuilder();
        for (int j = 0; j < data.features(); j++) {
            header.append(SyntheticData.featureName(j)).append(',');
        }
        line = header.append(SyntheticData.LABEL).append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    private boolean fill() {
        while (position == line.length) {
            nextRow++;
            if (nextRow >= data.rows()) {
                return false;
            }
            StringBuilder text = new StringBuilder(data.features() * 20);
            for (int j = 0; j < data.features(); j++) {
                text.append(data.get(nextRow, j)).append(',');
            }
            line = text.append(data.y()[nextRow]).append('\n').toString().getBytes(StandardCharsets.US_ASCII);
            position = 0;
        }
        return true;
    }

    @Override
    public int read() {
        return fill() ? line[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, line.length - position);
        System.arraycopy(line, position, buffer, offset, n);
        position += n;
        return n;
    }
}

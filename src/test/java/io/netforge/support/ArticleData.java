package io.netforge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The article's data set (test resources {@code article/seed_train.csv} and {@code seed_test.csv}). */
public final class ArticleData {

    private ArticleData() {
    }

    public static byte[] trainCsv() {
        return resource("/article/seed_train.csv");
    }

    public static byte[] testCsv() {
        return resource("/article/seed_test.csv");
    }

    /** Feature rows of a CSV with a header and the label last. */
    public static List<double[]> features(byte[] csv) {
        return parse(csv, false);
    }

    /** Labels (last column) of a CSV with a header. */
    public static int[] labels(byte[] csv) {
        return parse(csv, true).stream().mapToInt(row -> (int) row[0]).toArray();
    }

    private static List<double[]> parse(byte[] csv, boolean labels) {
        String[] lines = new String(csv, StandardCharsets.UTF_8).split("\r?\n");
        List<double[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] cells = lines[i].split(",");
            if (labels) {
                rows.add(new double[] {Double.parseDouble(cells[cells.length - 1])});
            } else {
                double[] row = new double[cells.length - 1];
                for (int c = 0; c < row.length; c++) {
                    row[c] = Double.parseDouble(cells[c]);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static byte[] resource(String path) {
        try (InputStream in = ArticleData.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

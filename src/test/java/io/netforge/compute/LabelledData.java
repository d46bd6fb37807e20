package io.netforge.compute;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A test data set: features x (N x d) and labels y (N x 1) as ND4J arrays, plus the labels as bytes. */
record LabelledData(INDArray x, INDArray y, byte[] labels) implements AutoCloseable {

    /** The article's training set (4000 rows). */
    static LabelledData articleTrain(Precision precision) {
        return fromCsv("/article/seed_train.csv", precision);
    }

    /** The article's test set (1000 rows). */
    static LabelledData articleTest(Precision precision) {
        return fromCsv("/article/seed_test.csv", precision);
    }

    /** Reads a classpath CSV with a header row whose last column is the 0/1 label. */
    static LabelledData fromCsv(String resource, Precision precision) {
        return fromCsv(resource, precision, Objective.SIGMOID_CROSS_ENTROPY);
    }

    /**
     * Reads a classpath CSV with a header row whose last column is the label: 0/1 for the sigmoid, a class for the
     * softmax (one-hot over the distinct values sorted as numbers, as torch_reference.py sorts them), the target
     * for squared error.
     */
    static LabelledData fromCsv(String resource, Precision precision, Objective objective) {
        try (InputStream in = LabelledData.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int columns = reader.readLine().split(",").length;
            List<double[]> features = new ArrayList<>();
            List<Double> labels = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                double[] row = new double[columns - 1];
                for (int j = 0; j < columns - 1; j++) {
                    row[j] = Double.parseDouble(cells[j]);
                }
                features.add(row);
                labels.add(Double.parseDouble(cells[columns - 1]));
            }
            if (objective == Objective.SOFTMAX_CROSS_ENTROPY) {
                List<Double> classes = labels.stream().distinct().sorted().toList();
                double[][] oneHot = new double[labels.size()][classes.size()];
                byte[] codes = new byte[labels.size()];
                for (int i = 0; i < labels.size(); i++) {
                    codes[i] = (byte) classes.indexOf(labels.get(i));
                    oneHot[i][codes[i]] = 1;
                }
                INDArray x = NdArrays.matrix(features.toArray(double[][]::new), features.get(0).length,
                        precision.dataType());
                return new LabelledData(x, NdArrays.matrix(oneHot, classes.size(), precision.dataType()), codes);
            }
            double[] y = new double[labels.size()];
            byte[] bytes = new byte[labels.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels.get(i);
                bytes[i] = (byte) y[i];
            }
            return of(features.toArray(double[][]::new), y, bytes, precision);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Features and labels of any width (one-hot rows, or one target per row), in the given precision. */
    static LabelledData of(double[][] x, double[][] y, Precision precision) {
        INDArray features = NdArrays.matrix(x, x[0].length, precision.dataType());
        INDArray labels = NdArrays.matrix(y, y[0].length, precision.dataType());
        return new LabelledData(features, labels, new byte[y.length]);
    }

    static LabelledData of(double[][] x, double[] y, Precision precision) {
        byte[] bytes = new byte[y.length];
        for (int i = 0; i < y.length; i++) {
            bytes[i] = (byte) y[i];
        }
        return of(x, y, bytes, precision);
    }

    private static LabelledData of(double[][] x, double[] y, byte[] labels, Precision precision) {
        INDArray features = NdArrays.matrix(x, x[0].length, precision.dataType());
        INDArray column = NdArrays.matrix(y, y.length, 1, precision.dataType());
        return new LabelledData(features, column, labels);
    }

    @Override
    public void close() {
        NdArrays.closeAll(x, y);
    }
}

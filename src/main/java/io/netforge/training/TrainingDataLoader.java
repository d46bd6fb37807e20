package io.netforge.training;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.springframework.stereotype.Component;

import io.netforge.compute.Precision;
import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.system.ApiException;

/**
 * Streams a job's dataset(s) from the database straight into ND4J arrays: the heap never holds more
 * than one stored chunk of rows, however large the dataset.
 */
@Component
class TrainingDataLoader {

    private final DatasetStore datasets;

    TrainingDataLoader(DatasetStore datasets) {
        this.datasets = datasets;
    }

    /** Thrown when a job cannot get its data; the job fails with this message. */
    static class DataUnavailableException extends RuntimeException {
        DataUnavailableException(String message) {
            super(message);
        }
    }

    TrainingData load(JobQueue.ClaimedJob job) {
        Precision precision = job.spec().precision();
        DatasetInfo dataset = info(job.datasetId(), "dataset");
        if (job.testDatasetId() != null) {
            DatasetInfo testDataset = info(job.testDatasetId(), "test dataset");
            Rows train = Rows.allocate(dataset.rows(), dataset.features().size(), precision);
            Rows test = null;
            try {
                read(dataset, row -> train);
                test = Rows.allocate(testDataset.rows(), testDataset.features().size(), precision);
                Rows testRows = test;
                read(testDataset, row -> testRows);
                return new TrainingData(train.x, train.y(), train.labels, test.featuresOnly(), test.labels, dataset,
                        testDataset);
            } catch (RuntimeException e) {
                train.close();
                if (test != null) {
                    test.close();
                }
                throw e;
            }
        }
        if (job.testFraction() == null) {
            Rows train = Rows.allocate(dataset.rows(), dataset.features().size(), precision);
            try {
                read(dataset, row -> train);
            } catch (RuntimeException e) {
                train.close();
                throw e;
            }
            return new TrainingData(train.x, train.y(), train.labels, null, null, dataset, null);
        }
        StratifiedSplit split = StratifiedSplit.of(dataset, job.testFraction(), job.spec().seed());
        Rows train = Rows.allocate(dataset.rows() - split.testRows(), dataset.features().size(), precision);
        Rows test = Rows.allocate(split.testRows(), dataset.features().size(), precision);
        try {
            read(dataset, label -> split.nextIsTest(label) ? test : train);
        } catch (RuntimeException e) {
            train.close();
            test.close();
            throw e;
        }
        return new TrainingData(train.x, train.y(), train.labels, test.featuresOnly(), test.labels, dataset, null);
    }

    private DatasetInfo info(UUID id, String what) {
        return datasets.find(id).orElseThrow(() -> new DataUnavailableException(
                "the " + what + " " + id + " was deleted before training started"));
    }

    /** Where each row goes, given its label. */
    private interface Router {
        Rows route(byte label);
    }

    private void read(DatasetInfo dataset, Router router) {
        int columns = dataset.features().size();
        try {
            datasets.readRows(dataset.id(), (firstRow, rows, features, labels) -> {
                for (int r = 0; r < rows; r++) {
                    router.route(labels[r]).append(features, r * columns, labels[r]);
                }
            });
        } catch (ApiException e) {
            throw new DataUnavailableException("the dataset " + dataset.id() + " was deleted while it was being read");
        }
    }

    /**
     * Seeded, stratified choice of test rows: each class contributes round(fraction * count) rows,
     * at least one and at most all but one. Rows are chosen by selection sampling (Knuth's algorithm S)
     * in upload order, so the choice needs one random draw per row and no memory per row.
     */
    static final class StratifiedSplit {

        private final long[] remaining;
        private final long[] toChoose;
        private final Random[] random;
        private final long testRows;

        private StratifiedSplit(long[] counts, long[] test, long seed) {
            this.remaining = counts.clone();
            this.toChoose = test.clone();
            this.random = new Random[counts.length];
            long total = 0;
            for (int c = 0; c < counts.length; c++) {
                random[c] = new Random(seed * 31 + c);
                total += test[c];
            }
            this.testRows = total;
        }

        static StratifiedSplit of(DatasetInfo dataset, double fraction, long seed) {
            List<DatasetInfo.LabelClass> classes = dataset.classes();
            long[] counts = new long[classes.size()];
            long[] test = new long[classes.size()];
            for (int c = 0; c < classes.size(); c++) {
                counts[c] = classes.get(c).count();
                test[c] = testRowsOfClass(counts[c], fraction);
            }
            return new StratifiedSplit(counts, test, seed);
        }

        /** Test rows a class of {@code count} rows gives; needs {@code count >= 2}. */
        static long testRowsOfClass(long count, double fraction) {
            return Math.max(1, Math.min(count - 1, Math.round(fraction * count)));
        }

        long testRows() {
            return testRows;
        }

        /** Whether the next row of class {@code label} (in upload order) is a test row. */
        boolean nextIsTest(byte label) {
            boolean test = random[label].nextDouble() * remaining[label] < toChoose[label];
            remaining[label]--;
            if (test) {
                toChoose[label]--;
            }
            return test;
        }
    }

    /** Rows appended one at a time into preallocated feature and label arrays. */
    private static final class Rows implements AutoCloseable {

        private final INDArray x;
        private final INDArray y;
        private final byte[] labels;
        private final int columns;
        private final DoubleBuffer xDoubles;
        private final DoubleBuffer yDoubles;
        private final FloatBuffer xFloats;
        private final FloatBuffer yFloats;
        private int next;

        private Rows(INDArray x, INDArray y, int rows, int columns) {
            this.x = x;
            this.y = y;
            this.labels = new byte[rows];
            this.columns = columns;
            boolean doubles = x.dataType() == Precision.FLOAT64.dataType();
            // Direct views of the arrays' native memory: rows are copied in without a heap copy of the matrix.
            this.xDoubles = doubles ? x.data().asNioDouble() : null;
            this.yDoubles = doubles ? y.data().asNioDouble() : null;
            this.xFloats = doubles ? null : x.data().asNioFloat();
            this.yFloats = doubles ? null : y.data().asNioFloat();
        }

        static Rows allocate(long rows, int columns, Precision precision) {
            if (rows > Integer.MAX_VALUE || rows * columns > Integer.MAX_VALUE) {
                throw new DataUnavailableException("the dataset has " + rows + " rows of " + columns
                        + " features; at most " + Integer.MAX_VALUE + " values fit in one training array");
            }
            INDArray x = Nd4j.create(precision.dataType(), rows, columns);
            INDArray y = Nd4j.create(precision.dataType(), rows, 1);
            return new Rows(x, y, (int) rows, columns);
        }

        void append(double[] source, int offset, byte label) {
            int at = next * columns;
            if (xDoubles != null) {
                xDoubles.put(at, source, offset, columns);
                yDoubles.put(next, label);
            } else {
                for (int c = 0; c < columns; c++) {
                    xFloats.put(at + c, (float) source[offset + c]);
                }
                yFloats.put(next, label);
            }
            labels[next++] = label;
        }

        /** The features alone (test rows are only evaluated): the label array is released. */
        INDArray featuresOnly() {
            y();
            y.close();
            return x;
        }

        /** The labels as a rows x 1 array of the features' data type. */
        INDArray y() {
            if (next != labels.length) {
                throw new IllegalStateException("expected " + labels.length + " rows, read " + next);
            }
            return y;
        }

        @Override
        public void close() {
            x.close();
            y.close();
        }
    }
}

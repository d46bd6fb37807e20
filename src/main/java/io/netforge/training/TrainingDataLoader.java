package io.netforge.training;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.springframework.stereotype.Component;

import io.netforge.compute.Precision;
import io.netforge.dataset.DatasetColumn;
import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.model.ModelRepository;
import io.netforge.problem.DomainException;
import io.netforge.tabular.DataSpec;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.EncodingFit;
import io.netforge.tabular.PreprocessingSpec;
import io.netforge.tabular.TargetScale;
import io.netforge.tabular.Targets;
import io.netforge.tabular.Task;

/**
 * Streams a job's dataset(s) from the database into ND4J arrays and encodes them: the label and feature columns of
 * each row (a row whose label is missing is left out), split into training and test rows, go into an off-heap
 * matrix of raw values; the {@link Encoding} is learned from the training rows alone and turns both into the
 * network's inputs. The heap never holds more than one stored chunk of rows, however large the dataset.
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

    TrainingData load(ModelRepository.Training job) {
        DatasetInfo dataset = info(job.datasetId(), "dataset");
        DataSpec data = job.data() != null ? job.data() : legacy(dataset);
        Task task = data.task();
        Columns columns = Columns.of(dataset, data);
        Labels labels = Labels.of(task, dataset, columns.label);
        List<Raw> owned = new ArrayList<>();
        try {
            Raw train;
            Raw test = null;
            DatasetInfo testDataset = null;
            if (job.testDatasetId() != null) {
                testDataset = info(job.testDatasetId(), "test dataset");
                train = own(owned, Raw.allocate(labels.presentRows, columns.features.size(), task));
                Raw rows = train;
                read(dataset, columns, labels, group -> rows);
                Columns testColumns = Columns.of(testDataset, data);
                Labels testLabels = labels.forTest(testDataset, testColumns.label);
                test = own(owned, Raw.allocate(testLabels.presentRows, columns.features.size(), task));
                Raw testRows = test;
                read(testDataset, testColumns, testLabels, group -> testRows);
            } else if (data.fold() != null) {
                // a search's run: folds of the rows the model's own test split (if any) leaves for training; its
                // test rows are read past, never seen
                DataSpec.Fold fold = data.fold();
                StratifiedSplit split = job.testFraction() == null ? null
                        : StratifiedSplit.of(labels.groupCounts, job.testFraction(), job.spec().seed());
                long[] counts = split == null ? labels.groupCounts : split.trainCounts();
                KFold folds = KFold.of(counts, fold.count(), fold.seed());
                long heldOut = folds.rowsOf(fold.index());
                long rows = java.util.Arrays.stream(counts).sum();
                train = own(owned, Raw.allocate(rows - heldOut, columns.features.size(), task));
                test = own(owned, Raw.allocate(heldOut, columns.features.size(), task));
                Raw trainRows = train;
                Raw testRows = test;
                read(dataset, columns, labels, group -> split != null && split.nextIsTest(group) ? null
                        : folds.nextFold(group) == fold.index() ? testRows : trainRows);
            } else if (job.testFraction() == null) {
                train = own(owned, Raw.allocate(labels.presentRows, columns.features.size(), task));
                Raw rows = train;
                read(dataset, columns, labels, group -> rows);
            } else {
                StratifiedSplit split = StratifiedSplit.of(labels.groupCounts, job.testFraction(), job.spec().seed());
                train = own(owned, Raw.allocate(labels.presentRows - split.testRows(), columns.features.size(), task));
                test = own(owned, Raw.allocate(split.testRows(), columns.features.size(), task));
                Raw trainRows = train;
                Raw testRows = test;
                read(dataset, columns, labels, group -> split.nextIsTest(group) ? testRows : trainRows);
            }
            long withoutLabel = columns.label.missing() + (test != null && testDataset != null
                    ? Columns.of(testDataset, data).label.missing() : 0);
            // rows held out from training to calibrate the model and choose its threshold on
            Raw heldOut = null;
            Columns heldOutColumns = null;
            if (data.heldOutDatasetId() != null) {
                DatasetInfo heldOutDataset = info(data.heldOutDatasetId(), "held-out dataset");
                heldOutColumns = Columns.of(heldOutDataset, data);
                Labels heldOutLabels = labels.forTest(heldOutDataset, heldOutColumns.label);
                heldOut = own(owned, Raw.allocate(heldOutLabels.presentRows, columns.features.size(), task));
                Raw rows = heldOut;
                read(heldOutDataset, heldOutColumns, heldOutLabels, group -> rows);
            }
            return encode(train, test, columns, testDataset == null ? columns : Columns.of(testDataset, data), labels,
                    task, data, job.spec().precision(), new MetaSource(dataset, testDataset, withoutLabel), owned,
                    heldOut, heldOutColumns);

        } finally {
            owned.forEach(Raw::close);
        }
    }

    /** What a job queued before models named their label, task and features asked for: the binary default. */
    static DataSpec legacy(DatasetInfo dataset) {
        return new DataSpec(dataset.label(), Task.BINARY, dataset.features(), PreprocessingSpec.DEFAULT);
    }

    private record MetaSource(DatasetInfo dataset, DatasetInfo testDataset, long rowsWithoutLabel) {
    }

    private static Raw own(List<Raw> owned, Raw raw) {
        owned.add(raw);
        return raw;
    }

    private DatasetInfo info(UUID id, String what) {
        return datasets.find(id).orElseThrow(() -> new DataUnavailableException(
                "the " + what + " " + id + " was deleted before training started"));
    }

    /** The label and feature columns of a job in one dataset. */
    private record Columns(DatasetColumn label, List<DatasetColumn> features) {

        static Columns of(DatasetInfo dataset, DataSpec data) {
            DatasetColumn label = column(dataset, data.label());
            List<DatasetColumn> features = data.features().stream().map(f -> column(dataset, f)).toList();
            return new Columns(label, features);
        }

        private static DatasetColumn column(DatasetInfo dataset, String name) {
            return dataset.column(name).orElseThrow(() -> new DataUnavailableException("dataset " + dataset.id()
                    + " has no column '" + name + "'"));
        }

        int[] positions() {
            int[] positions = new int[features.size() + 1];
            positions[0] = label.position();
            for (int j = 0; j < features.size(); j++) {
                positions[j + 1] = features.get(j).position();
            }
            return positions;
        }

        List<EncodingFit.Source> sources() {
            return features.stream().map(DatasetColumn::source).toList();
        }
    }

    /** The index of the level equal to {@code level} (the same number, or the same text), or -1. */
    static int indexOfLevel(List<DatasetColumn.Level> levels, DatasetColumn.Level level) {
        for (int i = 0; i < levels.size(); i++) {
            DatasetColumn.Level candidate = levels.get(i);
            boolean same = level.number() != null ? candidate.number() != null
                    && candidate.number().doubleValue() == level.number().doubleValue()
                    : candidate.number() == null && candidate.value().equals(level.value());
            if (same) {
                return i;
            }
        }
        return -1;
    }

    /**
     * What the label column's values mean: for classification each value's class code (a categorical label's level
     * code is its class; a numeric label's value is looked up), and how many rows each class (or, for regression,
     * the one group of all rows) has.
     */
    private static final class Labels {

        final Task task;
        final DatasetColumn column;
        final List<DatasetColumn.Level> classes;
        final long[] groupCounts;
        final long presentRows;
        /** Test labels: class code of each of this column's level codes, when they differ from the training's. */
        final int[] classOfLevel;
        private final Map<Long, Integer> classOfNumber = new HashMap<>();

        private Labels(Task task, DatasetColumn column, long datasetRows, List<DatasetColumn.Level> classes,
                int[] classOfLevel) {
            this.task = task;
            this.column = column;
            this.classes = classes;
            this.classOfLevel = classOfLevel;
            if (task.classification()) {
                groupCounts = new long[classes.size()];
                List<DatasetColumn.Level> own = column.levels();
                for (int code = 0; code < own.size(); code++) {
                    groupCounts[classOfLevel == null ? code : classOfLevel[code]] += own.get(code).count();
                }
                for (int c = 0; c < classes.size(); c++) {
                    if (classes.get(c).number() != null) {
                        classOfNumber.put(Double.doubleToRawLongBits(classes.get(c).number()), c);
                    }
                }
            } else {
                groupCounts = new long[] { column.present(datasetRows) };
            }
            long present = 0;
            for (long count : groupCounts) {
                present += count;
            }
            presentRows = present;
        }

        static Labels of(Task task, DatasetInfo dataset, DatasetColumn column) {
            return new Labels(task, column, dataset.rows(), task.classification() ? column.levels() : List.of(), null);
        }

        /** The same classes, for a test dataset's label column (whose levels may be a subset, in other codes). */
        Labels forTest(DatasetInfo dataset, DatasetColumn test) {
            if (!task.classification()) {
                return new Labels(task, test, dataset.rows(), List.of(), null);
            }
            int[] classOf = new int[test.levels().size()];
            for (int code = 0; code < classOf.length; code++) {
                classOf[code] = indexOfLevel(classes, test.levels().get(code));
                if (classOf[code] < 0) {
                    throw new DataUnavailableException("the test dataset's label has the class '"
                            + test.levels().get(code).value() + "', which the training dataset does not have");
                }
            }
            return new Labels(task, test, dataset.rows(), classes, classOf);
        }

        /** The class code of a label value as read (a level code, or a number), for classification. */
        int classOf(double value) {
            if (column.categorical()) {
                int code = (int) value;
                return classOfLevel == null ? code : classOfLevel[code];
            }
            Integer c = classOfNumber.get(Double.doubleToRawLongBits(value == 0 ? 0.0 : value));
            if (c == null) {
                throw new DataUnavailableException("label value " + value + " is not one of the classes");
            }
            return c;
        }
    }

    /** Where each row goes, given its group: its class, or 0 for regression. */
    private interface Router {
        /** Where the next row of the group goes; null: nowhere (it is left out). */
        Raw route(int group);
    }

    /** Reads the job's columns of {@code dataset} (as it stores them) into the routed raw matrices. */
    private void read(DatasetInfo dataset, Columns columns, Labels labels, Router router) {
        int width = columns.features.size() + 1;
        try {
            datasets.readRows(dataset.id(), columns.positions(), (firstRow, rows, values) -> {
                for (int r = 0; r < rows; r++) {
                    int at = r * width;
                    double label = values[at];
                    if (Double.isNaN(label)) {
                        continue;
                    }
                    int group = labels.task.classification() ? labels.classOf(label) : 0;
                    Raw to = router.route(group);
                    if (to != null) {
                        to.append(values, at + 1, group, labels.task.classification() ? Double.NaN : label);
                    }
                }
            });
        } catch (DomainException e) {
            throw new DataUnavailableException("the dataset " + dataset.id() + " was deleted while it was being read");
        }
    }

    /**
     * Learns the encoding from the training rows and encodes both sides, each read as its own dataset stores it
     * ({@code testColumns}: the test dataset's columns, or the training dataset's for a split of it).
     */
    private static TrainingData encode(Raw train, Raw test, Columns columns, Columns testColumns, Labels labels,
            Task task, DataSpec data, Precision precision, MetaSource source, List<Raw> owned, Raw heldOut,
            Columns heldOutColumns) {
        train.requireFull();
        if (test != null) {
            test.requireFull();
        }
        if (heldOut != null) {
            heldOut.requireFull();
            if (heldOut.rows == 0) {
                throw new DataUnavailableException("no held-out rows: every row of the held-out dataset misses its label");
            }
        }
        if (train.rows == 0) {
            throw new DataUnavailableException("no training rows: every row's label is missing");
        }
        if (test != null && test.rows == 0) {
            throw new DataUnavailableException("no test rows: every test row's label is missing");
        }
        Encoding encoding;
        try {
            encoding = EncodingFit.fit(columns.sources(), train.values, train.rows, data.preprocessing());
        } catch (EncodingFit.NoValuesException e) {
            throw new DataUnavailableException(e.getMessage());
        }
        EncodingFit.toRaw(encoding, columns.sources(), train.values, train.rows);
        if (test != null) {
            EncodingFit.toRaw(encoding, testColumns.sources(), test.values, test.rows);
        }
        if (heldOut != null) {
            EncodingFit.toRaw(encoding, heldOutColumns.sources(), heldOut.values, heldOut.rows);
        }
        TargetScale scale = task.fitTarget(train.targetValues);
        int classCount = labels.classes.size();
        INDArray trainX = null;
        INDArray trainY = null;
        INDArray testX = null;
        INDArray heldOutX = null;
        try {
            trainX = inputs(train, encoding, precision, owned);
            trainY = outputs(train, task, classCount, scale, precision);
            testX = test == null ? null : inputs(test, encoding, precision, owned);
            heldOutX = heldOut == null ? null : inputs(heldOut, encoding, precision, owned);
            List<Encoding.Level> classes = labels.classes.stream().map(l -> new Encoding.Level(l.value(), l.number()))
                    .toList();
            return new TrainingData(trainX, trainY, train.targets(task), testX, test == null ? null : test.targets(task),
                    new TrainingData.Meta(source.dataset(), source.testDataset(), data, task, classes, encoding, scale,
                            source.rowsWithoutLabel()), heldOutX, heldOut == null ? null : heldOut.targets(task));
        } catch (RuntimeException e) {
            for (INDArray a : new INDArray[] { trainX, trainY, testX, heldOutX }) {
                if (a != null && !a.wasClosed()) {
                    a.close();
                }
            }
            throw e;
        }
    }

    /**
     * The network's inputs of raw rows. When the encoding is the identity (numeric features, nothing missing) a
     * float64 run takes the raw matrix itself, and a float32 one its values rounded to float: the same bits the
     * features had before there were encodings.
     */
    private static INDArray inputs(Raw raw, Encoding encoding, Precision precision, List<Raw> owned) {
        int width = encoding.width();
        if (encoding.isIdentity() && !raw.hasNaN() && precision == Precision.FLOAT64) {
            owned.remove(raw); // the caller owns the matrix now
            return raw.matrix;
        }
        INDArray x = Nd4j.create(precision.dataType(), Math.max(raw.rows, 0), width);
        boolean doubles = precision == Precision.FLOAT64;
        DoubleBuffer xd = doubles ? x.data().asNioDouble() : null;
        FloatBuffer xf = doubles ? null : x.data().asNioFloat();
        double[] row = new double[raw.columns];
        double[] encoded = new double[width];
        for (int r = 0; r < raw.rows; r++) {
            raw.values.get(r * raw.columns, row, 0, raw.columns);
            encoding.encode(row, 0, encoded, 0);
            if (doubles) {
                xd.put(r * width, encoded, 0, width);
            } else {
                for (int k = 0; k < width; k++) {
                    xf.put(r * width + k, (float) encoded[k]);
                }
            }
        }
        return x;
    }

    /** What the network learns, {@link Task#label} of each row: 0/1, one-hot rows or standardised targets. */
    private static INDArray outputs(Raw raw, Task task, int classCount, TargetScale scale, Precision precision) {
        int width = task.outputs(classCount);
        INDArray y = Nd4j.create(precision.dataType(), raw.rows, width);
        boolean doubles = precision == Precision.FLOAT64;
        DoubleBuffer yd = doubles ? y.data().asNioDouble() : null;
        FloatBuffer yf = doubles ? null : y.data().asNioFloat();
        double[] row = new double[width];
        for (int r = 0; r < raw.rows; r++) {
            task.label(raw.classes == null ? 0 : raw.classes[r], raw.targetValues == null ? Double.NaN
                    : raw.targetValues[r], scale, row);
            for (int k = 0; k < width; k++) {
                if (doubles) {
                    yd.put(r * width + k, row[k]);
                } else {
                    yf.put(r * width + k, (float) row[k]);
                }
            }
        }
        return y;
    }

    /**
     * Seeded, stratified choice of test rows: each group (a class; for regression all rows are one group)
     * contributes round(fraction * count) rows, at least one and at most all but one. Rows are chosen by selection
     * sampling (Knuth's algorithm S) in upload order, so the choice needs one random draw per row and no memory per
     * row.
     */
    static final class StratifiedSplit {

        private final long[] remaining;
        private final long[] toChoose;
        private final Random[] random;
        private final long testRows;
        private final long[] trainCounts;

        private StratifiedSplit(long[] counts, long[] test, long seed) {
            this.remaining = counts.clone();
            this.toChoose = test.clone();
            this.trainCounts = new long[counts.length];
            for (int c = 0; c < counts.length; c++) {
                trainCounts[c] = counts[c] - test[c];
            }
            this.random = new Random[counts.length];
            long total = 0;
            for (int c = 0; c < counts.length; c++) {
                random[c] = new Random(seed * 31 + c);
                total += test[c];
            }
            this.testRows = total;
        }

        /** @param counts the rows of each group; a group of fewer than 2 stays in the training rows */
        static StratifiedSplit of(long[] counts, double fraction, long seed) {
            long[] test = new long[counts.length];
            for (int c = 0; c < counts.length; c++) {
                test[c] = testRowsOfClass(counts[c], fraction);
            }
            return new StratifiedSplit(counts, test, seed);
        }

        /**
         * Test rows a group of {@code count} rows gives: at least one and at most all but one, so both sides have it;
         * none for a group of one row (or none), which stays in the training rows.
         */
        static long testRowsOfClass(long count, double fraction) {
            return count < 2 ? 0 : Math.max(1, Math.min(count - 1, Math.round(fraction * count)));
        }

        long testRows() {
            return testRows;
        }

        /** The rows of each group the split leaves for training. */
        long[] trainCounts() {
            return trainCounts.clone();
        }

        /** Whether the next row of group {@code group} (in upload order) is a test row. */
        boolean nextIsTest(int group) {
            boolean test = random[group].nextDouble() * remaining[group] < toChoose[group];
            remaining[group]--;
            if (test) {
                toChoose[group]--;
            }
            return test;
        }
    }

    /**
     * Seeded, stratified k-fold assignment: each group (a class; for regression all rows) of n rows puts n / k rows in
     * every fold and one more in the first n mod k, and each row, in upload order, goes to a fold drawn with
     * probability proportional to the room the fold has left in its group (sequential sampling without
     * replacement). The same counts, k and seed give the same folds for every run, so every configuration of an
     * experiment is trained and tested on the same rows; the k runs of one configuration test every row once.
     */
    static final class KFold {

        private final long[][] room;
        private final long[] remaining;
        private final Random[] random;
        private final long[] foldRows;

        private KFold(long[] counts, int k, long seed) {
            room = new long[counts.length][k];
            remaining = counts.clone();
            random = new Random[counts.length];
            foldRows = new long[k];
            for (int g = 0; g < counts.length; g++) {
                random[g] = new Random(seed * 31 + g);
                for (int f = 0; f < k; f++) {
                    room[g][f] = counts[g] / k + (f < counts[g] % k ? 1 : 0);
                    foldRows[f] += room[g][f];
                }
            }
        }

        /** @param counts the rows of each group, every one at least k (checked when the experiment is asked for) */
        static KFold of(long[] counts, int k, long seed) {
            return new KFold(counts, k, seed);
        }

        /** Rows fold {@code f} holds, in all groups. */
        long rowsOf(int f) {
            return foldRows[f];
        }

        /** Most rows any fold takes from a group of {@code count} rows: what training on the rest loses at worst. */
        static long largestFold(long count, int k) {
            return count / k + (count % k == 0 ? 0 : 1);
        }

        /** The fold of the next row of group {@code group} (in upload order). */
        int nextFold(int group) {
            long[] left = room[group];
            long pick = (long) (random[group].nextDouble() * remaining[group]);
            int f = 0;
            while (pick >= left[f]) {
                pick -= left[f];
                f++;
            }
            left[f]--;
            remaining[group]--;
            return f;
        }
    }

    /** Rows of raw feature values appended one at a time into a preallocated off-heap float64 matrix. */
    private static final class Raw implements AutoCloseable {

        private final INDArray matrix;
        private final DoubleBuffer values;
        private final int rows;
        private final int columns;
        private final int[] classes;
        private final double[] targetValues;
        private int next;

        private Raw(INDArray matrix, int rows, int columns, Task task) {
            this.matrix = matrix;
            this.values = rows == 0 ? DoubleBuffer.allocate(0) : matrix.data().asNioDouble();
            this.rows = rows;
            this.columns = columns;
            this.classes = task.classification() ? new int[rows] : null;
            this.targetValues = task.classification() ? null : new double[rows];
        }

        static Raw allocate(long rows, int columns, Task task) {
            if (rows > Integer.MAX_VALUE || rows * columns > Integer.MAX_VALUE) {
                throw new DataUnavailableException("the dataset has " + rows + " rows of " + columns
                        + " features; at most " + Integer.MAX_VALUE + " values fit in one training array");
            }
            INDArray matrix = Nd4j.create(Precision.FLOAT64.dataType(), Math.max(rows, 1), columns);
            return new Raw(matrix, (int) rows, columns, task);
        }

        void append(double[] source, int offset, int c, double target) {
            if (next == rows) {
                throw new IllegalStateException("more rows than the " + rows + " expected");
            }
            values.put(next * columns, source, offset, columns);
            if (classes != null) {
                classes[next] = c;
            } else {
                targetValues[next] = target;
            }
            next++;
        }

        void requireFull() {
            if (next != rows) {
                throw new IllegalStateException("expected " + rows + " rows, read " + next);
            }
        }

        boolean hasNaN() {
            for (int i = 0; i < rows * columns; i++) {
                if (Double.isNaN(values.get(i))) {
                    return true;
                }
            }
            return false;
        }

        Targets targets(Task task) {
            return task.classification() ? Targets.ofClasses(classes) : Targets.ofValues(targetValues);
        }

        @Override
        public void close() {
            if (!matrix.wasClosed()) {
                matrix.close();
            }
        }
    }
}

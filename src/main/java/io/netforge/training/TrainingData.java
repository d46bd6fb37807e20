package io.netforge.training;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.netforge.dataset.DatasetInfo;
import io.netforge.tabular.DataSpec;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.TargetScale;
import io.netforge.tabular.Targets;
import io.netforge.tabular.Task;

/**
 * The rows one job trains and evaluates on, encoded, in the precision of its spec. Owns its arrays.
 *
 * @param trainX training inputs, rows x inputs (the encoding's width)
 * @param trainY what the network learns: 0/1 (rows x 1) for binary, one-hot (rows x K) for multi-class, the
 *               standardised target (rows x 1) for regression
 * @param train  the training rows' classes or target values (in the target's units), for evaluation
 * @param testX  test inputs, or null when the job has no test rows
 * @param test   the test rows' classes or target values, or null
 * @param heldOutX inputs of the held-out dataset's rows (which calibrate the model and choose its threshold), or null
 * @param heldOut  their classes, or null
 */
record TrainingData(INDArray trainX, INDArray trainY, Targets train, INDArray testX, Targets test, Meta meta,
        INDArray heldOutX, Targets heldOut) implements AutoCloseable {

    TrainingData(INDArray trainX, INDArray trainY, Targets train, INDArray testX, Targets test, Meta meta) {
        this(trainX, trainY, train, testX, test, meta, null, null);
    }

    /**
     * @param dataset          the training dataset
     * @param testDataset      the separate test dataset, or null (no test rows, or a split of {@code dataset})
     * @param data             the label, task, features and preprocessing the job asked for
     * @param classes          the label's classes in class-code order; empty for regression
     * @param encoding         how the features became the inputs, learned from the training rows
     * @param targetScale      regression: how the target was standardised; else null
     * @param rowsWithoutLabel rows of the dataset(s) left out because their label was missing
     */
    record Meta(DatasetInfo dataset, DatasetInfo testDataset, DataSpec data, Task task, List<Encoding.Level> classes,
            Encoding encoding, TargetScale targetScale, long rowsWithoutLabel) {
    }

    long testRows() {
        return test == null ? 0 : test.rows();
    }

    @Override
    public void close() {
        trainX.close();
        trainY.close();
        if (testX != null) {
            testX.close();
        }
        if (heldOutX != null) {
            heldOutX.close();
        }
    }
}

package io.netforge.training;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.netforge.dataset.DatasetInfo;

/**
 * The rows one job trains and evaluates on, in the precision of its spec. Owns its arrays.
 *
 * @param trainX      training features, rows x features
 * @param trainY      training labels 0/1, rows x 1
 * @param trainLabels the same labels, for evaluation
 * @param testX       test features, or null when the job has no test rows
 * @param testLabels  test labels 0/1, or null
 * @param dataset     the training dataset
 * @param testDataset the separate test dataset, or null (no test rows, or a split of {@code dataset})
 */
record TrainingData(INDArray trainX, INDArray trainY, byte[] trainLabels, INDArray testX, byte[] testLabels,
        DatasetInfo dataset, DatasetInfo testDataset) implements AutoCloseable {

    long testRows() {
        return testLabels == null ? 0 : testLabels.length;
    }

    /** Replaces the feature arrays (e.g. by standardised copies), closing the old ones. */
    TrainingData withFeatures(INDArray newTrainX, INDArray newTestX) {
        if (newTrainX != trainX) {
            trainX.close();
        }
        if (testX != null && newTestX != testX) {
            testX.close();
        }
        return new TrainingData(newTrainX, trainY, trainLabels, newTestX, testLabels, dataset, testDataset);
    }

    @Override
    public void close() {
        trainX.close();
        trainY.close();
        if (testX != null) {
            testX.close();
        }
    }
}

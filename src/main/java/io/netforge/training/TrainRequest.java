package io.netforge.training;

import java.util.UUID;

import io.netforge.network.NetworkRequest;

/**
 * Body of {@code POST /models}.
 *
 * @param datasetId     the dataset to train on (required)
 * @param testDatasetId a separate dataset with the same columns to evaluate on
 * @param testFraction  instead of a test dataset: hold out this fraction of each class, seeded by the spec's seed
 * @param name          a name for the model
 * @param network       the network specification; defaults for whatever is left out
 */
record TrainRequest(UUID datasetId, UUID testDatasetId, Double testFraction, String name, NetworkRequest network) {
}

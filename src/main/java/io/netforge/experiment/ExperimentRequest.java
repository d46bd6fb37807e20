package io.netforge.experiment;

import java.util.List;
import java.util.Map;

import io.netforge.training.TrainRequest;
import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /experiments}.
 *
 * @param request a {@code POST /models} body: the runs' dataset, label, features, preprocessing and base network
 * @param grid    network fields, each with a list of values; the configurations are their product, except that
 *                {@code seed} values are replicates of each configuration, not configurations
 * @param folds   evaluate by stratified k-fold cross-validation of the request's dataset (2 to 20 folds) instead of
 *                on its test dataset or test fraction
 * @param metric  the test metric that ranks the configurations; default {@code auc} (binary), {@code accuracy}
 *                (multi-class) or {@code rmse} (regression)
 * @param seed    assigns the folds (default 0): every configuration sees the same folds
 */
record ExperimentRequest(String name, TrainRequest request, Map<String, List<JsonNode>> grid, Integer folds,
        String metric, Long seed) {
}

package io.netforge.search;

import io.netforge.training.TrainRequest;
import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /searches}; the {@code search} object of {@code POST /models} with {@code "network": "auto"}
 * has the same fields but {@code name} and {@code request}.
 *
 * @param request                a {@code POST /models} body: the dataset, label, features, preprocessing, test rows
 *                               and a base network whose fields, where given, every candidate keeps (its
 *                               {@code maxIterations} is the search's to set)
 * @param space                  where candidates are drawn from ({@link SearchSpace}); default the default space
 * @param factor                 1 / factor of a rung's candidates go on to the next, with factor times the epochs;
 *                               default 3
 * @param minResources           epochs of the first rung: a number, {@code "smallest"} (1) or {@code "exhaust"};
 *                               default 3
 * @param maxResources           epochs no rung exceeds; default 81
 * @param candidates             how many candidates to draw: a number or {@code "exhaust"} (maxResources //
 *                               minResources); default {@code "exhaust"}
 * @param aggressiveElimination  repeat the first rung's epochs until few enough candidates are left; default false
 * @param folds                  rank by k-fold cross-validation (2 to 20 folds of the rows the request trains on,
 *                               its test rows left out; every rung on the same folds), or 0: on the validation rows
 *                               early stopping holds out of them; default 5 for at most 2,000 training rows (when
 *                               every class has 5), else 0
 * @param metric                 what ranks the candidates; default the task's ({@code auc}, {@code accuracy},
 *                               {@code rmse}); ties go to the lower log-loss, then to the earlier candidate
 * @param seed                   draws the candidates and assigns the folds; default 0
 * @param wallClockSeconds       optional: once this many seconds have passed since the search was created, no new
 *                               rung is scheduled and the best of the last finished rung is refitted; such a result
 *                               depends on the machine and is marked not reproducible
 */
record SearchRequest(String name, TrainRequest request, SearchSpace space, Double factor, JsonNode minResources,
        Long maxResources, JsonNode candidates, Boolean aggressiveElimination, Integer folds, String metric, Long seed,
        Long wallClockSeconds) {

    /** The same request with another {@code folds}. */
    SearchRequest withFolds(Integer other) {
        return new SearchRequest(name, request, space, factor, minResources, maxResources, candidates,
                aggressiveElimination, other, metric, seed, wallClockSeconds);
    }

    static final double DEFAULT_FACTOR = 3;
    static final long DEFAULT_MIN_RESOURCES = 3;
    static final long DEFAULT_MAX_RESOURCES = 81;
}

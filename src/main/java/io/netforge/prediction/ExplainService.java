package io.netforge.prediction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;

import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.model.ModelRepository;
import io.netforge.problem.DomainException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Per-row contributions ({@link Contributions}) of a model's predictions, against a background of the first rows of
 * a stored dataset (by default the model's own training dataset): exact for at most {@value #EXACT_MAX_FEATURES}
 * features, sampled above. The work is bounded before it starts.
 */
@Service
class ExplainService {

    /** Features up to which {@code auto} enumerates every coalition. */
    static final int EXACT_MAX_FEATURES = 12;
    /** Features up to which {@code exact} may be asked for. */
    static final int EXACT_LIMIT = 16;
    static final int MAX_ROWS = 100;
    static final int MAX_BACKGROUND = 1000;
    static final int MAX_ORDERS = 10_000;
    /** Model evaluations one request may cause. */
    static final long MAX_EVALUATIONS = 50_000_000L;

    private final PredictionService predictions;
    private final DatasetStore datasets;
    private final ModelRepository models;

    ExplainService(PredictionService predictions, DatasetStore datasets, ModelRepository models) {
        this.predictions = predictions;
        this.datasets = datasets;
        this.models = models;
    }

    /** The options of a request, as given (null: the default). */
    record Options(String method, UUID backgroundDatasetId, Integer backgroundRows, Integer samples, Long seed) {
    }

    ExplainResponse explain(UUID id, java.io.InputStream body, JsonMapper json, Options options) {
        LoadedModel model = predictions.model(id);
        Plan plan = plan(id, model, options);
        double[][] rows = new PredictBody(model.encoding(), MAX_ROWS).read(body, json);
        return explain(id, model, rows, plan);
    }

    /** How rows are explained: the options checked, defaults filled in. */
    record Plan(boolean exact, int backgroundRows, int orders, long seed, UUID backgroundId, boolean ownBackground) {
    }

    /** The options checked against the model (400 naming the option), with their defaults. */
    Plan plan(UUID id, LoadedModel model, Options options) {
        int n = model.features().size();
        String method = options.method() == null ? "auto" : options.method();
        if (!List.of("auto", "exact", "sampling").contains(method)) {
            throw DomainException.invalidField("method", "must be auto, exact or sampling, got '" + method + "'");
        }
        if (method.equals("exact") && n > EXACT_LIMIT) {
            throw DomainException.invalidField("method", "exact enumerates 2^" + n + " coalitions of the model's " + n
                    + " features; at most " + EXACT_LIMIT + " features (use sampling)");
        }
        boolean exact = method.equals("exact") || method.equals("auto") && n <= EXACT_MAX_FEATURES;
        int backgroundRows = options.backgroundRows() == null ? 100 : options.backgroundRows();
        if (backgroundRows < 1 || backgroundRows > MAX_BACKGROUND) {
            throw DomainException.invalidField("backgroundRows", "must be 1 to " + MAX_BACKGROUND + ", got "
                    + backgroundRows);
        }
        int orders = options.samples() == null ? 200 : options.samples();
        if (orders < 2 || orders > MAX_ORDERS) {
            throw DomainException.invalidField("samples", "must be 2 to " + MAX_ORDERS + " orders of the features, got "
                    + orders);
        }
        long seed = options.seed() == null ? 0 : options.seed();
        UUID backgroundId = options.backgroundDatasetId() != null ? options.backgroundDatasetId()
                : models.getView(id).datasetId();
        return new Plan(exact, backgroundRows, orders, seed, backgroundId, options.backgroundDatasetId() == null);
    }

    /** Each row's contributions by the plan: the work bounded (413) before it starts. */
    ExplainResponse explain(UUID id, LoadedModel model, double[][] rows, Plan plan) {
        int n = model.features().size();
        boolean exact = plan.exact();
        int backgroundRows = plan.backgroundRows();
        int orders = plan.orders();
        long seed = plan.seed();
        UUID backgroundId = plan.backgroundId();
        long perRow = exact ? Contributions.exactEvaluations(n, backgroundRows)
                : Contributions.sampledEvaluations(n, backgroundRows, orders);
        long evaluations = perRow * rows.length;
        if (evaluations > MAX_EVALUATIONS) {
            throw DomainException.tooLarge("the explanation would evaluate the model on " + evaluations + " rows ("
                    + rows.length + " rows x " + (exact ? "2^" + n + " coalitions" : orders + " orders x " + n
                    + " features") + " x " + backgroundRows + " background rows); at most " + MAX_EVALUATIONS
                    + ": explain fewer rows, or give a smaller backgroundRows or samples").with("field", "backgroundRows");
        }
        double[][] background = background(model, backgroundId, backgroundRows, plan.ownBackground());
        List<String> features = model.features();
        List<ExplainResponse.Explanation> explanations = new ArrayList<>(rows.length);
        for (double[] row : rows) {
            Contributions.Result r = exact ? Contributions.exact(model::outputs, row, background)
                    : Contributions.sampled(model::outputs, row, background, orders, seed);
            Map<String, double[]> contributions = new LinkedHashMap<>();
            Map<String, double[]> errors = r.errors() == null ? null : new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                contributions.put(features.get(i), r.contributions()[i]);
                if (errors != null) {
                    errors.put(features.get(i), r.errors()[i]);
                }
            }
            explanations.add(new ExplainResponse.Explanation(r.prediction(), r.expected(), contributions, errors,
                    r.residual()));
        }
        return new ExplainResponse(id, exact ? "exact" : "sampling", evaluations,
                new ExplainResponse.Background(backgroundId, background.length), model.outputNames(), explanations);
    }

    /** The first rows of the dataset, as the model's raw feature values. */
    private double[][] background(LoadedModel model, UUID datasetId, int rows, boolean own) {
        DatasetInfo dataset = datasets.find(datasetId).orElseThrow(() -> own
                ? DomainException.conflict("the model's training dataset " + datasetId + " was deleted; give"
                        + " backgroundDatasetId").with("field", "backgroundDatasetId")
                : DomainException.notFound("dataset", datasetId).with("field", "backgroundDatasetId"));
        FeatureColumns columns = FeatureColumns.of(model, dataset, "backgroundDatasetId");
        int n = columns.positions().length;
        int take = (int) Math.min(rows, dataset.rows());
        double[][] out = new double[take][];
        int[] filled = {0};
        try {
            datasets.readRows(dataset.id(), columns.positions(), (firstRow, count, values) -> {
                for (int r = 0; r < count && filled[0] < take; r++) {
                    double[] row = new double[n];
                    for (int j = 0; j < n; j++) {
                        row[j] = columns.value(j, values[r * n + j]);
                    }
                    out[filled[0]++] = row;
                }
                if (filled[0] == take) {
                    throw new Enough();
                }
            });
        } catch (Enough done) {
            // read as far as needed
        }
        return out;
    }

    /** Stops reading a dataset once the background is full. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }
}

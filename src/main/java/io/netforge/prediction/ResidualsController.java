package io.netforge.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.model.ModelReferences;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Task;
import io.netforge.web.Route;

/**
 * A regression's predictions against the truth on a stored dataset's labelled rows: {@code GET
 * /models/{id}/residuals}, what a predicted-against-actual plot and a residual plot draw.
 */
@RestController
class ResidualsController {

    /** Rows one request may run through the model. */
    static final long MAX_ROWS = 1_000_000;
    /** Points answered: every row up to this many, else rows evenly spaced in upload order. */
    static final int MAX_POINTS = 2000;

    /**
     * @param rows   the labelled rows predicted
     * @param points at most 2000 of them, evenly spaced in upload order: each row's actual and predicted value
     * @param rmse   over every row, and {@code mae} and {@code meanResidual} (predicted - actual)
     */
    record Residuals(UUID modelId, UUID datasetId, long rows, List<Point> points, double rmse, double mae,
            double meanResidual) {
    }

    record Point(long row, double actual, double predicted) {
    }

    private final PredictionService predictions;
    private final Explanations explanations;
    private final ModelRepository models;
    private final DatasetStore datasets;
    private final ModelReferences references;

    ResidualsController(PredictionService predictions, Explanations explanations, ModelRepository models,
            DatasetStore datasets, ModelReferences references) {
        this.predictions = predictions;
        this.explanations = explanations;
        this.models = models;
        this.datasets = datasets;
        this.references = references;
    }

    /** On the model's test dataset by default, else its training dataset. */
    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/residuals")
    Residuals residuals(@PathVariable("id") String reference, @RequestParam(required = false) UUID datasetId) {
        UUID id = references.resolve(reference, "id");
        LoadedModel model = predictions.model(id);
        if (model.task() != Task.REGRESSION) {
            throw DomainException.unprocessable("model " + id + " is " + model.task().id()
                    + "; residuals are a regression's (a classifier has GET /models/{id}/roc and /thresholds)");
        }
        ModelView view = models.getView(id);
        UUID rowsOf = datasetId != null ? datasetId : view.testDatasetId() != null ? view.testDatasetId()
                : view.datasetId();
        DatasetInfo dataset = datasets.find(rowsOf).orElseThrow(() -> DomainException.notFound("dataset", rowsOf)
                .with("field", "datasetId"));
        if (dataset.rows() > MAX_ROWS) {
            throw DomainException.tooLarge("datasetId: " + dataset.rows() + " rows; at most " + MAX_ROWS
                    + " are run through the model for residuals").with("field", "datasetId");
        }
        Explanations.Labelled data = explanations.read(model, rowsOf);
        int n = data.rows().length;
        if (n == 0) {
            throw DomainException.unprocessable("dataset " + rowsOf + " has no row with a label")
                    .with("field", "datasetId");
        }
        double[][] outputs = model.outputs(data.rows());
        double squares = 0;
        double absolute = 0;
        double sum = 0;
        for (int r = 0; r < n; r++) {
            double residual = outputs[r][0] - data.values()[r];
            squares += residual * residual;
            absolute += Math.abs(residual);
            sum += residual;
        }
        int shown = Math.min(n, MAX_POINTS);
        List<Point> points = new ArrayList<>(shown);
        for (int k = 0; k < shown; k++) {
            int r = shown == n ? k : (int) ((long) k * (n - 1) / (shown - 1));
            points.add(new Point(r, data.values()[r], outputs[r][0]));
        }
        return new Residuals(id, rowsOf, n, points, Math.sqrt(squares / n), absolute / n, sum / n);
    }
}

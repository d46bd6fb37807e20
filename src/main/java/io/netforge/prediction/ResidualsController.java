package io.netforge.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.model.ModelReferences;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Task;
import io.netforge.web.Route;

/**
 * A regression's predictions against the truth on a stored dataset's labelled rows: {@code GET
 * /models/{id}/residuals}, what a predicted-against-actual plot and a residual plot draw.
 */
@RestController
class ResidualsController {

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
    private final LabelledRows rows;
    private final ModelReferences references;

    ResidualsController(PredictionService predictions, LabelledRows rows, ModelReferences references) {
        this.predictions = predictions;
        this.rows = rows;
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
        LabelledRows.Rows read = rows.of(id, model, datasetId, "residuals");
        UUID rowsOf = read.datasetId();
        Explanations.Labelled data = read.data();
        int n = data.rows().length;
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

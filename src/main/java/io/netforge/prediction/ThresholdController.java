package io.netforge.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.model.ModelReferences;
import io.netforge.model.ModelRepository;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Task;
import io.netforge.tabular.ThresholdCurve;
import io.netforge.web.Route;

/**
 * A binary model's thresholds on a stored dataset's labelled rows: {@code GET /models/{id}/thresholds}.
 */
@RestController
class ThresholdController {

    /** Points of the curve answered (evenly spaced, its ends and the largest F1 kept). */
    static final int MAX_POINTS = 1000;

    /**
     * @param threshold the model's own threshold
     * @param curve     precision, recall and F1 by ascending threshold (at most 1000 points)
     * @param maxF1     the threshold of the largest F1 (scikit-learn's precision_recall_curve), and that F1
     * @param youden    the threshold of the largest tpr - fpr (scikit-learn's roc_curve), and that J
     */
    record Thresholds(UUID modelId, UUID datasetId, long rows, long positives, double threshold,
            List<ThresholdCurve.Point> curve, ThresholdCurve.Best maxF1, ThresholdCurve.Best youden) {
    }

    private final PredictionService predictions;
    private final LabelledRows rows;
    private final ModelRepository models;
    private final ModelReferences references;
    private final io.netforge.plot.PlotResponses images;

    ThresholdController(PredictionService predictions, LabelledRows rows, ModelRepository models,
            ModelReferences references, io.netforge.plot.PlotResponses images) {
        this.predictions = predictions;
        this.rows = rows;
        this.models = models;
        this.references = references;
        this.images = images;
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/thresholds")
    Thresholds thresholds(@PathVariable("id") String reference, @RequestParam(required = false) UUID datasetId) {
        return compute(references.resolve(reference, "id"), datasetId);
    }

    /** The same curve drawn: precision, recall and F1 against the threshold, the model's threshold and both bests marked. */
    @Route(access = Route.Access.READ)
    @GetMapping(path = "/models/{id}/thresholds/plot", produces = {io.netforge.plot.ChartImages.SVG,
            io.netforge.plot.ChartImages.PNG})
    org.springframework.http.ResponseEntity<byte[]> plot(@PathVariable("id") String reference,
            @RequestParam(required = false) UUID datasetId, @RequestParam(required = false) Integer width,
            @RequestParam(required = false) Integer height, @RequestParam(required = false) String format,
            @org.springframework.web.bind.annotation.RequestHeader(name = org.springframework.http.HttpHeaders.ACCEPT,
                    required = false) String accept) {
        UUID id = references.resolve(reference, "id");
        Thresholds t = compute(id, datasetId);
        // one mark per threshold, named by everything that chose it ("model = max F1")
        java.util.Map<Double, String> names = new java.util.LinkedHashMap<>();
        names.merge(t.threshold(), "model", (a, b) -> a + " = " + b);
        names.merge(t.maxF1().threshold(), "max F1", (a, b) -> a + " = " + b);
        names.merge(t.youden().threshold(), "Youden", (a, b) -> a + " = " + b);
        java.util.Map<String, Double> marks = new java.util.LinkedHashMap<>();
        names.forEach((value, name) -> marks.put(name, value));
        String name = models.getView(id).name();
        return images.image("model/" + id + "/thresholds/" + t.datasetId(), () -> io.netforge.plot.Charts.thresholds(
                "Thresholds on " + t.rows() + " rows: " + name,
                t.curve().stream().mapToDouble(ThresholdCurve.Point::threshold).toArray(),
                t.curve().stream().mapToDouble(ThresholdCurve.Point::precision).toArray(),
                t.curve().stream().mapToDouble(ThresholdCurve.Point::recall).toArray(),
                t.curve().stream().mapToDouble(ThresholdCurve.Point::f1).toArray(), marks), width, height, accept,
                format);
    }

    private Thresholds compute(UUID id, UUID datasetId) {
        LoadedModel model = predictions.model(id);
        if (model.task() != Task.BINARY) {
            throw DomainException.unprocessable("model " + id + " is " + model.task().id()
                    + "; thresholds are a binary model's");
        }
        LabelledRows.Rows read = rows.of(id, model, datasetId, "thresholds");
        UUID rowsOf = read.datasetId();
        Explanations.Labelled data = read.data();
        double[][] outputs = model.outputs(data.rows());
        double[] scores = new double[outputs.length];
        boolean[] positive = new boolean[outputs.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = outputs[i][0];
            positive[i] = data.classes()[i] == 1;
        }
        ThresholdCurve.Result result = ThresholdCurve.of(scores, positive);
        return new Thresholds(id, rowsOf, result.rows(), result.positives(), model.threshold(),
                thin(result.curve(), result.maxF1().threshold()), result.maxF1(), result.youden());
    }

    /** At most {@link #MAX_POINTS} points, evenly spaced, the ends and the largest F1's kept. */
    private static List<ThresholdCurve.Point> thin(List<ThresholdCurve.Point> curve, double best) {
        if (curve.size() <= MAX_POINTS) {
            return curve;
        }
        List<ThresholdCurve.Point> out = new ArrayList<>(MAX_POINTS + 1);
        for (int k = 0; k < MAX_POINTS; k++) {
            int index = (int) Math.round((double) k * (curve.size() - 1) / (MAX_POINTS - 1));
            ThresholdCurve.Point p = curve.get(index);
            if (out.isEmpty() || out.get(out.size() - 1) != p) {
                out.add(p);
            }
        }
        curve.stream().filter(p -> p.threshold() == best).findFirst().filter(p -> !out.contains(p)).ifPresent(p -> {
            out.add(p);
            out.sort(java.util.Comparator.comparingDouble(ThresholdCurve.Point::threshold));
        });
        return out;
    }
}

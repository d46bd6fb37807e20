package io.netforge.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jfree.chart.JFreeChart;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.job.JobStatus;
import io.netforge.model.ModelDocument;
import io.netforge.model.ModelReferences;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Metrics;
import io.netforge.tabular.Roc;
import io.netforge.web.Route;

/** A finished model's plots ({@code /models/{id}/plots/roc|loss|confusion|calibration}) and its ROC points as JSON. */
@RestController
class ModelPlotController {

    private final ModelRepository models;
    private final PlotResponses images;

    private final ModelReferences references;

    ModelPlotController(ModelRepository models, PlotResponses images, ModelReferences references) {
        this.references = references;
        this.models = models;
        this.images = images;
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/roc")
    Roc roc(@PathVariable("id") String reference) {
        UUID id = references.resolve(reference, "id");
        return roc(document(id));
    }

    @Route(access = Route.Access.READ)
    @GetMapping(path = "/models/{id}/plots/{kind}", produces = {ChartImages.SVG, ChartImages.PNG})
    ResponseEntity<byte[]> plot(@PathVariable("id") String reference, @PathVariable String kind,
            @RequestParam(required = false) Integer width, @RequestParam(required = false) Integer height,
            @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        UUID id = references.resolve(reference, "id");
        ModelDocument document = document(id);
        return switch (kind) {
            case "roc" -> images.image("model/" + id + "/roc", () -> rocChart(document), width, height, accept, format);
            case "loss" -> images.image("model/" + id + "/loss", () -> lossChart(document), width, height, accept,
                    format);
            case "confusion" -> {
                confusion(document); // 404 before rendering anything
                yield images.image("model/" + id + "/confusion", () -> confusionChart(document), width, height, accept,
                        format);
            }
            case "calibration" -> {
                calibration(document); // 404 before rendering anything
                yield images.image("model/" + id + "/calibration", () -> calibrationChart(document), width, height,
                        accept, format);
            }
            default -> throw DomainException.notFound("plot", kind + " (plots are roc, loss, confusion and"
                    + " calibration)");
        };
    }

    /** The fitted model's document: 404 for no model, 409 for one that has not SUCCEEDED. */
    private ModelDocument document(UUID id) {
        ModelView view = models.getView(id);
        if (view.status() != JobStatus.SUCCEEDED) {
            throw DomainException.conflict("model " + id + " is " + view.status() + "; plots exist once it has SUCCEEDED");
        }
        return models.findArtifact(id).orElseThrow(() -> DomainException.notFound("model", id)).document();
    }

    private static Roc roc(ModelDocument document) {
        if (document.roc() == null) {
            throw DomainException.notFound("ROC curve of model", document.id() + (!document.task().classification()
                    ? ": a regression has none" : ": it was trained before netforge kept ROC curves (format "
                            + document.formatVersion() + ")"));
        }
        if (document.roc().curves().isEmpty()) {
            throw DomainException.notFound("ROC curve of model", document.id() + ": its " + document.roc().rows()
                    + " rows hold one class only");
        }
        return document.roc();
    }

    /** Most ROC curves one plot draws (the first classes'); the JSON at /models/{id}/roc has every one. */
    static final int MAX_CURVES = 20;
    /** Most classes a confusion plot draws: the ones with most rows, and the rest as one. */
    static final int MAX_CLASSES = 30;

    private static JFreeChart rocChart(ModelDocument document) {
        Roc roc = roc(document);
        List<Charts.Line> lines = new ArrayList<>();
        for (Roc.Curve curve : roc.curves().subList(0, Math.min(MAX_CURVES, roc.curves().size()))) {
            double[] x = curve.points().stream().mapToDouble(Roc.Point::falsePositiveRate).toArray();
            double[] y = curve.points().stream().mapToDouble(Roc.Point::truePositiveRate).toArray();
            String label = (roc.curves().size() == 1 ? document.name() : "class " + curve.positiveClass() + " vs rest")
                    + " (AUC " + Charts.format(curve.auc()) + ")";
            lines.add(new Charts.Line(label, x, y));
        }
        String drawn = roc.curves().size() > MAX_CURVES ? " (" + MAX_CURVES + " of " + roc.curves().size() + " classes)"
                : "";
        return Charts.roc("ROC curve, " + roc.rows() + " rows" + drawn + ": " + document.name(), lines);
    }

    private static JFreeChart lossChart(ModelDocument document) {
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(line("training", document.lossCurve()));
        if (!document.validationLossCurve().isEmpty()) {
            lines.add(line("validation", document.validationLossCurve()));
        }
        return Charts.loss("Loss: " + document.name(), lines);
    }

    private static Charts.Line line(String label, List<ModelDocument.LossPoint> points) {
        return new Charts.Line(label, points.stream().mapToDouble(ModelDocument.LossPoint::iteration).toArray(),
                points.stream().mapToDouble(ModelDocument.LossPoint::loss).toArray());
    }

    private static ModelDocument.CalibrationDoc calibration(ModelDocument document) {
        if (document.calibration() == null) {
            throw DomainException.notFound("calibration of model", document.id() + ": it was not calibrated (ask for"
                    + " \"calibration\" in its network)");
        }
        return document.calibration();
    }

    /** The reliability diagram before and after calibration, on the rows the model's calibration report describes. */
    private static JFreeChart calibrationChart(ModelDocument document) {
        ModelDocument.CalibrationDoc c = calibration(document);
        boolean binary = document.task() == io.netforge.tabular.Task.BINARY;
        List<Charts.Line> lines = List.of(reliability("before (Brier " + Charts.format(c.before().brier()) + ", ECE "
                + Charts.format(c.before().ece()) + ")", c.before()), reliability(c.fitted().method() + " (Brier "
                + Charts.format(c.after().brier()) + ", ECE " + Charts.format(c.after().ece()) + ")", c.after()));
        String rows = c.reportedOn().equals("test") ? "test" : "held-out";
        return Charts.reliability("Calibration on " + c.before().rows() + " " + rows + " rows: " + document.name(),
                binary ? "mean predicted probability of the positive class" : "mean probability of the top class",
                binary ? "fraction of positive rows" : "fraction of rows whose top class is right", lines);
    }

    private static Charts.Line reliability(String label, io.netforge.tabular.CalibrationReport report) {
        return new Charts.Line(label,
                report.reliability().stream().mapToDouble(io.netforge.tabular.CalibrationReport.Bin::predicted).toArray(),
                report.reliability().stream().mapToDouble(io.netforge.tabular.CalibrationReport.Bin::observed).toArray());
    }

    /** The test (else training) confusion matrix as classes and counts; 404 for a regression. */
    private static Confusion confusion(ModelDocument document) {
        Metrics.TrainTest metrics = document.metrics();
        String rows = metrics.test() != null ? "test" : "training";
        Metrics m = metrics.test() != null ? metrics.test() : metrics.train();
        Metrics.Confusion table = m.confusionTable(document.readout().classNames());
        if (table == null) {
            throw DomainException.notFound("confusion matrix of model", document.id() + ": a regression has none");
        }
        return largest(new Confusion(rows, table.classes().stream().map(String::valueOf).toList(), table.counts()));
    }

    record Confusion(String rows, List<String> classes, long[][] counts) {
    }

    /** At most {@link #MAX_CLASSES} classes: those with most rows, in their order, and the others as one. */
    static Confusion largest(Confusion c) {
        int k = c.classes().size();
        if (k <= MAX_CLASSES) {
            return c;
        }
        long[] support = new long[k];
        for (int i = 0; i < k; i++) {
            for (long n : c.counts()[i]) {
                support[i] += n;
            }
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(support[b], support[a]));
        boolean[] kept = new boolean[k];
        for (int i = 0; i < MAX_CLASSES - 1; i++) {
            kept[order[i]] = true;
        }
        int[] slot = new int[k];
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            if (kept[i]) {
                slot[i] = classes.size();
                classes.add(c.classes().get(i));
            }
        }
        int other = classes.size();
        classes.add("(" + (k - other) + " others)");
        for (int i = 0; i < k; i++) {
            if (!kept[i]) {
                slot[i] = other;
            }
        }
        long[][] counts = new long[MAX_CLASSES][MAX_CLASSES];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                counts[slot[i]][slot[j]] += c.counts()[i][j];
            }
        }
        return new Confusion(c.rows(), classes, counts);
    }

    private static JFreeChart confusionChart(ModelDocument document) {
        Confusion c = confusion(document);
        return Charts.confusion("Confusion matrix, " + c.rows() + " rows: " + document.name(), c.classes(), c.counts());
    }
}

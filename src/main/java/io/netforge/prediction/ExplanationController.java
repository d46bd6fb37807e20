package io.netforge.prediction;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.job.JobStatus;
import io.netforge.model.ModelReferences;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.problem.DomainException;
import io.netforge.web.Route;

/**
 * Explanations as a job: {@code POST /models/{id}/explanations} (202), its state and result at
 * {@code GET /models/{id}/explanations/{explanationId}}, its importance's permutations at {@code .../permutations}.
 */
@RestController
class ExplanationController {

    static final int MAX_REPEATS = 100;
    static final int MAX_GRID = 1000;
    static final int MAX_ICE_ROWS = 1000;
    /** ICE values one explanation keeps: iceRows x gridResolution x features x outputs. */
    static final long MAX_ICE_VALUES = 2_000_000L;
    /** Model evaluations one explanation may cause: rows x (1 + features x (repeats + gridResolution)). */
    static final long MAX_EVALUATIONS = 200_000_000L;

    /**
     * Body of {@code POST /models/{id}/explanations}.
     *
     * @param datasetId      the rows (with their labels); default the model's test dataset, else its training one
     * @param repeats        permutations per feature for the importance (default 5)
     * @param seed           draws the permutations (default 0)
     * @param gridResolution most grid values of a numeric feature's partial dependence (default 100)
     * @param percentiles    the grid's ends for a numeric feature with many values (default [0.05, 0.95])
     * @param iceRows        the first rows whose ICE curves are kept (default 50)
     */
    record ExplanationRequest(UUID datasetId, Integer repeats, Long seed, Integer gridResolution,
            List<Double> percentiles, Integer iceRows) {
    }

    private final Explanations explanations;
    private final ModelRepository models;
    private final DatasetStore datasets;
    private final ModelReferences references;
    private final io.netforge.plot.PlotResponses images;

    private final PredictionService predictions;

    ExplanationController(Explanations explanations, ModelRepository models, DatasetStore datasets,
            ModelReferences references, io.netforge.plot.PlotResponses images, PredictionService predictions) {
        this.predictions = predictions;
        this.explanations = explanations;
        this.models = models;
        this.datasets = datasets;
        this.references = references;
        this.images = images;
    }

    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN)
    @PostMapping("/models/{id}/explanations")
    @Transactional
    ResponseEntity<Explanations.View> submit(@PathVariable("id") String reference,
            @RequestBody(required = false) ExplanationRequest request) {
        UUID id = references.resolve(reference, "id");
        ExplanationRequest r = request == null ? new ExplanationRequest(null, null, null, null, null, null) : request;
        ModelView model = models.getView(id);
        if (model.status() != JobStatus.SUCCEEDED) {
            throw DomainException.conflict("model " + id + " is " + model.status()
                    + "; it is explained once it has SUCCEEDED");
        }
        int repeats = r.repeats() == null ? 5 : r.repeats();
        if (repeats < 1 || repeats > MAX_REPEATS) {
            throw DomainException.invalidField("repeats", "must be 1 to " + MAX_REPEATS + ", got " + repeats);
        }
        int grid = r.gridResolution() == null ? 100 : r.gridResolution();
        if (grid < 2 || grid > MAX_GRID) {
            throw DomainException.invalidField("gridResolution", "must be 2 to " + MAX_GRID + ", got " + grid);
        }
        List<Double> percentiles = r.percentiles() == null ? List.of(0.05, 0.95) : r.percentiles();
        if (percentiles.size() != 2 || percentiles.get(0) == null || percentiles.get(1) == null
                || !(percentiles.get(0) >= 0 && percentiles.get(0) < percentiles.get(1) && percentiles.get(1) <= 1)) {
            throw DomainException.invalidField("percentiles", "must be [low, high] with 0 <= low < high <= 1, got "
                    + percentiles);
        }
        int ice = r.iceRows() == null ? 50 : r.iceRows();
        if (ice < 0 || ice > MAX_ICE_ROWS) {
            throw DomainException.invalidField("iceRows", "must be 0 to " + MAX_ICE_ROWS + ", got " + ice);
        }
        UUID datasetId = r.datasetId() != null ? r.datasetId()
                : model.testDatasetId() != null ? model.testDatasetId() : model.datasetId();
        DatasetInfo dataset;
        try {
            dataset = datasets.lockForUse(datasetId);
        } catch (DomainException e) {
            throw e.with("field", "datasetId");
        }
        long features = model.features().size();
        // a date's curves are its parts' (up to 4: year, month, weekday, hour)
        long dates = predictions.model(id).encoding().features().stream()
                .filter(f -> f instanceof io.netforge.tabular.DateFeature).count();
        long curves = features + 3 * dates;
        long evaluations = dataset.rows() * (1L + features * repeats + curves * grid);
        if (evaluations > MAX_EVALUATIONS) {
            throw DomainException.tooLarge("datasetId: " + dataset.rows() + " rows x (1 + " + features + " features x "
                    + repeats + " repeats + " + curves + " curves x " + grid + " grid values) are " + evaluations
                    + " model evaluations; at most " + MAX_EVALUATIONS + ": fewer repeats, a coarser grid, or a smaller"
                    + " dataset").with("field", "datasetId");
        }
        long outputs = model.task() == io.netforge.tabular.Task.MULTICLASS ? model.classes().size() : 1;
        long kept = (long) ice * grid * curves * outputs;
        if (kept > MAX_ICE_VALUES) {
            throw DomainException.tooLarge("iceRows: " + ice + " ICE rows x " + grid + " grid values x " + curves
                    + " curves x " + outputs + " outputs are " + kept + " values to keep; at most " + MAX_ICE_VALUES
                    + ": fewer iceRows or a coarser grid").with("field", "iceRows");
        }
        Explanations.View view = explanations.submit(id, datasetId, new Explanations.Options(repeats,
                r.seed() == null ? 0 : r.seed(), grid, percentiles, ice));
        return ResponseEntity.accepted().location(java.net.URI.create("/models/" + id + "/explanations/" + view.id()))
                .body(view);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/explanations")
    List<Explanations.View> list(@PathVariable("id") String reference) {
        UUID id = references.resolve(reference, "id");
        models.getView(id);
        return explanations.list(id);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/explanations/{explanationId}")
    Explanations.View get(@PathVariable("id") String reference, @PathVariable UUID explanationId) {
        UUID id = references.resolve(reference, "id");
        return explanations.find(id, explanationId).orElseThrow(() -> DomainException.notFound("explanation",
                explanationId));
    }

    /**
     * The permutations its importance used, per feature, per repeat: row i of the permuted rows took row p[i]'s value
     * (the rows of its dataset that have a label, in upload order).
     */
    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/explanations/{explanationId}/permutations")
    Map<String, int[][]> permutations(@PathVariable("id") String reference, @PathVariable UUID explanationId) {
        Explanations.View view = get(reference, explanationId);
        if (view.result() == null) {
            throw DomainException.conflict("explanation " + explanationId + " is " + view.status()
                    + "; its permutations are known once it has SUCCEEDED");
        }
        List<String> features = view.result().importance().features().stream()
                .map(PermutationImportance.Feature::name).toList();
        int[][][] all = PermutationImportance.permutations(features.size(), view.options().repeats(),
                (int) view.result().rows(), view.options().seed());
        Map<String, int[][]> out = new LinkedHashMap<>();
        for (int j = 0; j < features.size(); j++) {
            out.put(features.get(j), all[j]);
        }
        return out;
    }

    /**
     * The importance as bars with error bars ({@code importance}), or a feature's partial dependence over its ICE
     * curves ({@code dependence}, with {@code feature} and optionally {@code output}); cached, as explanations do
     * not change.
     */
    @Route(access = Route.Access.READ)
    @GetMapping(path = "/models/{id}/explanations/{explanationId}/plots/{kind}",
            produces = {io.netforge.plot.ChartImages.SVG, io.netforge.plot.ChartImages.PNG})
    ResponseEntity<byte[]> plot(@PathVariable("id") String reference, @PathVariable UUID explanationId,
            @PathVariable String kind, @RequestParam(required = false) String feature,
            @RequestParam(required = false) String output, @RequestParam(required = false) Integer width,
            @RequestParam(required = false) Integer height, @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        Explanations.View view = get(reference, explanationId);
        if (view.result() == null) {
            throw DomainException.conflict("explanation " + explanationId + " is " + view.status()
                    + "; its plots exist once it has SUCCEEDED");
        }
        Explanations.Result result = view.result();
        String key = "explanation/" + explanationId + "/" + kind;
        return switch (kind) {
            case "importance" -> {
                List<PermutationImportance.Feature> byRank = result.importance().ranking().stream()
                        .map(name -> result.importance().features().stream().filter(f -> f.name().equals(name))
                                .findFirst().orElseThrow()).toList();
                yield images.image(key, () -> io.netforge.plot.Charts.importance("Permutation importance", result
                                .importance().score(), byRank.stream().map(PermutationImportance.Feature::name).toList(),
                        byRank.stream().mapToDouble(PermutationImportance.Feature::mean).toArray(),
                        byRank.stream().mapToDouble(PermutationImportance.Feature::sd).toArray()),
                        width, height, accept, format);
            }
            case "dependence" -> {
                if (feature == null) {
                    throw DomainException.invalidField("feature", "is required: one of "
                            + String.join(", ", result.partialDependence().keySet()));
                }
                Explanations.Dependence d = result.partialDependence().get(feature);
                if (d == null) {
                    throw DomainException.invalidField("feature", "'" + feature + "' has no partial dependence here; one"
                            + " of " + String.join(", ", result.partialDependence().keySet()));
                }
                String shown = output == null ? result.outputs().get(result.outputs().size() - 1) : output;
                int o = result.outputs().indexOf(shown);
                if (o < 0) {
                    throw DomainException.invalidField("output", "'" + output + "' is not an output; one of "
                            + String.join(", ", result.outputs()));
                }
                boolean categorical = d.kind().equals("categorical");
                double[] grid = new double[d.grid().size()];
                String[] levels = categorical ? new String[grid.length] : null;
                for (int g = 0; g < grid.length; g++) {
                    if (categorical) {
                        levels[g] = String.valueOf(d.grid().get(g));
                    } else {
                        grid[g] = ((Number) d.grid().get(g)).doubleValue();
                    }
                }
                yield images.image(key + "/" + feature + "/" + shown, () -> io.netforge.plot.Charts.dependence(
                        "Partial dependence and ICE: " + feature, feature, result.outputs().size() > 1
                                ? "probability of " + shown : shown, grid, levels, d.average()[o],
                        d.ice()[o]), width, height, accept, format);
            }
            default -> throw DomainException.notFound("plot", kind + " (plots are importance and dependence)");
        };
    }

    @Route(access = Route.Access.ADMIN)
    @DeleteMapping("/models/{id}/explanations/{explanationId}")
    ResponseEntity<Void> delete(@PathVariable("id") String reference, @PathVariable UUID explanationId) {
        UUID id = references.resolve(reference, "id");
        if (!explanations.delete(id, explanationId)) {
            throw DomainException.notFound("explanation", explanationId);
        }
        return ResponseEntity.noContent().build();
    }
}

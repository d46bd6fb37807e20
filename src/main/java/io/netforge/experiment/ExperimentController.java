package io.netforge.experiment;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.model.ModelView;
import io.netforge.plot.ChartImages;
import io.netforge.plot.Charts;
import io.netforge.plot.PlotResponses;
import io.netforge.problem.DomainException;
import io.netforge.web.Route;

/** Sweeps and cross-validation: {@code /experiments}. */
@RestController
class ExperimentController {

    static final int MAX_LIMIT = 1000;

    private final ExperimentService experiments;
    private final PlotResponses images;

    ExperimentController(ExperimentService experiments, PlotResponses images) {
        this.experiments = experiments;
        this.images = images;
    }

    /**
     * The article's figure: a test metric against total hidden nodes, mean ± sd over seeds and folds, a line per
     * setting of the grid's other fields. Cached once the experiment has finished.
     */
    @Route(access = Route.Access.READ)
    @GetMapping(path = "/experiments/{id}/plots/{metric}", produces = {ChartImages.SVG, ChartImages.PNG})
    ResponseEntity<byte[]> plot(@PathVariable UUID id, @PathVariable String metric,
            @RequestParam(required = false) Integer width, @RequestParam(required = false) Integer height,
            @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        ExperimentView view = experiments.get(id);
        List<Charts.Bars> groups = ExperimentPlot.groups(view, metric);
        String key = view.status().isTerminal() ? "experiment/" + id + "/" + metric : null;
        return images.image(key, () -> Charts.metricAgainstNodes("Test " + metric + " against hidden nodes: " + view.name(),
                metric, groups), width, height, accept, format);
    }

    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN, idempotent = true)
    @PostMapping(path = "/experiments", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ExperimentView> create(@RequestBody ExperimentRequest request) {
        ExperimentView view = experiments.create(request);
        return ResponseEntity.accepted().location(URI.create("/experiments/" + view.id())).body(view);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/experiments")
    List<ExperimentView> list(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw DomainException.invalidField("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return experiments.list(limit);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/experiments/{id}")
    ExperimentView get(@PathVariable UUID id) {
        return experiments.get(id);
    }

    @Route(access = Route.Access.TRAIN)
    @PostMapping("/experiments/{id}/cancel")
    ExperimentView cancel(@PathVariable UUID id) {
        return experiments.cancel(id);
    }

    @Route(access = Route.Access.ADMIN)
    @DeleteMapping("/experiments/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        experiments.delete(id);
        return ResponseEntity.noContent().build();
    }

    /** Trains the best configuration on all the data as an ordinary model: 202 with the model. */
    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN)
    @PostMapping("/experiments/{id}/refit")
    ResponseEntity<ModelView> refit(@PathVariable UUID id) {
        ModelView model = experiments.refit(id);
        return ResponseEntity.accepted().location(URI.create("/models/" + model.id())).body(model);
    }
}

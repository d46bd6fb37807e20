package io.netforge.prediction;

import java.io.IOException;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.model.ModelReferences;
import io.netforge.web.Route;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

/** Why a model predicts what it does for given rows: {@code POST /models/{id}/explain}. */
@RestController
class ExplainController {

    private final ExplainService explanations;
    private final ModelReferences references;
    private final JsonMapper json;
    private final io.netforge.plot.PlotResponses images;

    ExplainController(ExplainService explanations, ModelReferences references, JsonMapper json,
            io.netforge.plot.PlotResponses images) {
        this.explanations = explanations;
        this.references = references;
        this.json = json;
        this.images = images;
    }

    /**
     * One row's contributions as a waterfall (SVG or PNG), from the expected value to the prediction, for one output
     * (default the last: the probability, the last class, or the value). The body is a /predict body of one row.
     */
    @Route(access = Route.Access.PREDICT, limit = Route.Limit.PREDICT, body = Route.Body.ROWS)
    @PostMapping(path = "/models/{id}/explain/plot", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = {io.netforge.plot.ChartImages.SVG, io.netforge.plot.ChartImages.PNG})
    org.springframework.http.ResponseEntity<byte[]> plot(@PathVariable("id") String reference,
            @RequestParam(required = false) String method,
            @RequestParam(required = false) UUID backgroundDatasetId,
            @RequestParam(required = false) Integer backgroundRows,
            @RequestParam(required = false) Integer samples,
            @RequestParam(required = false) Long seed,
            @RequestParam(required = false) String output,
            @RequestParam(required = false) Integer width, @RequestParam(required = false) Integer height,
            @RequestParam(required = false) String format,
            @org.springframework.web.bind.annotation.RequestHeader(name = org.springframework.http.HttpHeaders.ACCEPT,
                    required = false) String accept,
            HttpServletRequest request) throws IOException {
        UUID id = references.resolve(reference, "id");
        ExplainResponse answer = explanations.explain(id, request.getInputStream(), json,
                new ExplainService.Options(method, backgroundDatasetId, backgroundRows, samples, seed));
        if (answer.explanations().size() != 1) {
            throw io.netforge.problem.DomainException.invalidInput("a waterfall shows one row; the body has "
                    + answer.explanations().size());
        }
        String shown = output == null ? answer.outputs().get(answer.outputs().size() - 1) : output;
        int o = answer.outputs().indexOf(shown);
        if (o < 0) {
            throw io.netforge.problem.DomainException.invalidField("output", "'" + output + "' is not an output; one of "
                    + String.join(", ", answer.outputs()));
        }
        ExplainResponse.Explanation e = answer.explanations().get(0);
        java.util.List<String> features = new java.util.ArrayList<>(e.contributions().keySet());
        double[] values = features.stream().mapToDouble(f -> e.contributions().get(f)[o]).toArray();
        String label = answer.outputs().size() > 1 ? "probability of " + shown : shown;
        return images.image(null, () -> io.netforge.plot.Charts.waterfall("Contributions (" + answer.method() + ")",
                label, e.expectedValue()[o], e.prediction()[o], features, values), width, height, accept, format);
    }

    /** The body is a {@code /predict} body (at most 100 rows); the options are query parameters. */
    @Route(access = Route.Access.PREDICT, limit = Route.Limit.PREDICT, body = Route.Body.ROWS)
    @PostMapping(path = "/models/{id}/explain", consumes = MediaType.APPLICATION_JSON_VALUE)
    ExplainResponse explain(@PathVariable("id") String reference,
            @RequestParam(required = false) String method,
            @RequestParam(required = false) UUID backgroundDatasetId,
            @RequestParam(required = false) Integer backgroundRows,
            @RequestParam(required = false) Integer samples,
            @RequestParam(required = false) Long seed,
            HttpServletRequest request) throws IOException {
        UUID id = references.resolve(reference, "id");
        return explanations.explain(id, request.getInputStream(), json,
                new ExplainService.Options(method, backgroundDatasetId, backgroundRows, samples, seed));
    }
}

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

    ExplainController(ExplainService explanations, ModelReferences references, JsonMapper json) {
        this.explanations = explanations;
        this.references = references;
        this.json = json;
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

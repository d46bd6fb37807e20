package io.netforge.prediction;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.netforge.model.ModelReferences;
import io.netforge.web.Route;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

/** Serves fitted models: {@code POST /models/{id}/predict}. */
@RestController
class PredictionController {

    private final PredictionService predictions;
    private final CsvLimits limits;
    private final JsonMapper json;

    private final ModelReferences references;

    private final ExplainService explanations;

    PredictionController(PredictionService predictions, CsvLimits limits, JsonMapper json, ModelReferences references,
            ExplainService explanations) {
        this.explanations = explanations;
        this.references = references;
        this.predictions = predictions;
        this.limits = limits;
        this.json = json;
    }

    @Route(access = Route.Access.PREDICT, limit = Route.Limit.PREDICT, protocol = "predict", body = Route.Body.ROWS)
    @PostMapping(path = "/models/{id}/predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    PredictResponse predict(@PathVariable("id") String reference,
            @org.springframework.web.bind.annotation.RequestParam(required = false) Double threshold,
            @org.springframework.web.bind.annotation.RequestParam(required = false) Boolean explain,
            @org.springframework.web.bind.annotation.RequestParam(required = false) UUID backgroundDatasetId,
            HttpServletRequest request) throws IOException {
        UUID id = references.resolve(reference, "id");
        if (!Boolean.TRUE.equals(explain)) {
            if (backgroundDatasetId != null) {
                throw io.netforge.problem.DomainException.invalidField("backgroundDatasetId",
                        "is the background of explain=true; this request does not explain");
            }
            return predictions.predict(id, request.getInputStream(), json, threshold);
        }
        // explained: the rows bounded as POST /explain bounds them, its defaults but the background's dataset
        LoadedModel model = predictions.labelling(id, threshold);
        ExplainService.Plan plan = explanations.plan(id, model, new ExplainService.Options(null, backgroundDatasetId,
                null, null, null));
        double[][] rows = new PredictBody(model.encoding(), ExplainService.MAX_ROWS).read(request.getInputStream(),
                json);
        List<io.netforge.tabular.Prediction> answers = model.predict(rows);
        return new PredictResponse(id, model.threshold(), answers, explanations.explain(id, model, rows, plan));
    }

    /**
     * A CSV of rows (a header naming the columns; every feature among them), of any length: every row is checked
     * first (a bad one is a 400 naming it), then the predictions stream out, one per input row, as CSV, or as
     * {@code /predict}'s JSON when Accept prefers {@code application/json} (then at most max-rows rows).
     */
    @Route(access = Route.Access.PREDICT, limit = Route.Limit.PREDICT, protocol = "csv", body = Route.Body.STREAMED)
    @PostMapping(path = "/models/{id}/predict", consumes = "text/csv", produces = {"text/csv", "application/json"})
    ResponseEntity<StreamingResponseBody> predictCsv(@PathVariable("id") String reference, HttpServletRequest request,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) throws IOException {
        UUID id = references.resolve(reference, "id");
        boolean asJson = prefersJson(accept);
        CsvScoring scoring = new CsvScoring(predictions.model(id), request.getInputStream(), request.getContentLengthLong(),
                limits.maxCsvBytes());
        if (asJson) {
            try {
                predictions.checkRowCount((int) Math.min(scoring.rows(), Integer.MAX_VALUE), "rows");
            } catch (RuntimeException e) {
                scoring.close();
                throw e;
            }
        }
        StreamingResponseBody body = out -> {
            try (scoring) {
                if (asJson) {
                    scoring.writeJson(id, out, json);
                } else {
                    scoring.writeCsv(out);
                }
            }
        };
        return ResponseEntity.ok().contentType(asJson ? MediaType.APPLICATION_JSON
                : MediaType.parseMediaType("text/csv;charset=UTF-8")).body(body);
    }

    /** Whether Accept ranks JSON above CSV; no Accept, or any type, is CSV (the body's own type). */
    static boolean prefersJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        List<MediaType> types = new java.util.ArrayList<>(MediaType.parseMediaTypes(accept));
        types.sort(java.util.Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType type : types) {
            if (type.getQualityValue() == 0) {
                continue;
            }
            if (type.includes(MediaType.parseMediaType("text/csv"))) {
                return false;
            }
            if (type.includes(MediaType.APPLICATION_JSON)) {
                return true;
            }
        }
        return false;
    }
}

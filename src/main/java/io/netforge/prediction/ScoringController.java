package io.netforge.prediction;

import java.util.List;
import java.util.UUID;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.netforge.dataset.DatasetStore;
import io.netforge.job.JobStatus;
import io.netforge.model.ModelReferences;
import io.netforge.model.ModelRepository;
import io.netforge.problem.DomainException;
import io.netforge.web.Route;

/**
 * Batch scoring of a stored dataset as a job: {@code POST /models/{id}/scorings {"datasetId"}} (202), its state at
 * {@code GET /models/{id}/scorings/{scoringId}}, {@code .../cancel}, and once SUCCEEDED the CSV at {@code .../result}.
 */
@RestController
class ScoringController {

    record ScoringRequest(UUID datasetId) {
    }

    private final Scorings scorings;
    private final ModelRepository models;
    private final DatasetStore datasets;
    private final ModelReferences references;

    ScoringController(Scorings scorings, ModelRepository models, DatasetStore datasets, ModelReferences references) {
        this.scorings = scorings;
        this.models = models;
        this.datasets = datasets;
        this.references = references;
    }

    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN)
    @PostMapping("/models/{id}/scorings")
    @Transactional
    ResponseEntity<Scorings.View> submit(@PathVariable("id") String reference, @RequestBody ScoringRequest request) {
        UUID id = references.resolve(reference, "id");
        if (request == null || request.datasetId() == null) {
            throw DomainException.invalidField("datasetId", "is required");
        }
        JobStatus status = models.getView(id).status();
        if (status != JobStatus.SUCCEEDED) {
            throw DomainException.conflict("model " + id + " is " + status + "; a model scores once it has SUCCEEDED");
        }
        try {
            datasets.lockForUse(request.datasetId());
        } catch (DomainException e) {
            throw e.with("field", "datasetId");
        }
        Scorings.View view = scorings.submit(id, request.datasetId());
        return ResponseEntity.accepted().location(java.net.URI.create("/models/" + id + "/scorings/" + view.id()))
                .body(view);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/scorings")
    List<Scorings.View> list(@PathVariable("id") String reference) {
        UUID id = references.resolve(reference, "id");
        models.getView(id);
        return scorings.list(id);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/scorings/{scoringId}")
    Scorings.View get(@PathVariable("id") String reference, @PathVariable UUID scoringId) {
        UUID id = references.resolve(reference, "id");
        return scorings.find(id, scoringId).orElseThrow(() -> DomainException.notFound("scoring", scoringId));
    }

    /**
     * The scored CSV, gzip-compressed on the wire for clients that accept it ({@code Accept-Encoding: gzip}, as
     * curl --compressed and browsers do) and plain otherwise.
     */
    @Route(access = Route.Access.READ)
    @GetMapping(path = "/models/{id}/scorings/{scoringId}/result", produces = "text/csv")
    ResponseEntity<StreamingResponseBody> result(@PathVariable("id") String reference, @PathVariable UUID scoringId,
            @RequestHeader(value = HttpHeaders.ACCEPT_ENCODING, required = false) String acceptEncoding) {
        UUID id = references.resolve(reference, "id");
        Scorings.View view = scorings.find(id, scoringId).orElseThrow(() -> DomainException.notFound("scoring", scoringId));
        if (view.status() != JobStatus.SUCCEEDED) {
            throw DomainException.conflict("scoring " + scoringId + " is " + view.status()
                    + (view.error() == null ? "" : " (" + view.error() + ")") + "; its CSV is ready once it has SUCCEEDED");
        }
        byte[] gzip = scorings.result(scoringId).orElseThrow(() -> DomainException.notFound("scoring", scoringId));
        boolean compressed = acceptEncoding != null && acceptEncoding.toLowerCase(java.util.Locale.ROOT).contains("gzip");
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv"))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("scoring-" + scoringId + ".csv").build().toString())
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (compressed) {
            return answer.header(HttpHeaders.CONTENT_ENCODING, "gzip").contentLength(gzip.length)
                    .body(out -> out.write(gzip));
        }
        return answer.body(out -> {
            try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
                    new java.io.ByteArrayInputStream(gzip))) {
                in.transferTo(out);
            }
        });
    }

    /** Cancels a queued or running scoring; 409 once it has finished. */
    @Route(access = Route.Access.TRAIN)
    @PostMapping("/models/{id}/scorings/{scoringId}/cancel")
    Scorings.View cancel(@PathVariable("id") String reference, @PathVariable UUID scoringId) {
        UUID id = references.resolve(reference, "id");
        switch (scorings.cancel(id, scoringId)) {
            case NOT_FOUND -> throw DomainException.notFound("scoring", scoringId);
            case ALREADY_FINISHED -> throw DomainException.conflict("scoring " + scoringId + " is already "
                    + scorings.find(id, scoringId).map(Scorings.View::status).orElse(JobStatus.CANCELLED)
                    + "; only QUEUED or RUNNING scorings can be cancelled");
            case REQUESTED, CANCELLED -> {
            }
        }
        return scorings.find(id, scoringId).orElseThrow(() -> DomainException.notFound("scoring", scoringId));
    }

    @Route(access = Route.Access.ADMIN)
    @DeleteMapping("/models/{id}/scorings/{scoringId}")
    ResponseEntity<Void> delete(@PathVariable("id") String reference, @PathVariable UUID scoringId) {
        UUID id = references.resolve(reference, "id");
        if (!scorings.delete(id, scoringId)) {
            throw DomainException.notFound("scoring", scoringId);
        }
        return ResponseEntity.noContent().build();
    }
}

package io.netforge.model;

import java.util.List;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.netforge.job.JobStatus;
import io.netforge.problem.DomainException;
import io.netforge.web.Route;

/**
 * Reads and deletes models: {@code GET /models}, {@code GET /models/{id}}, {@code GET /models/{id}/events},
 * {@code DELETE /models/{id}}.
 */
@RestController
class ModelController {

    static final int MAX_LIMIT = 1000;

    private final ModelRepository models;
    private final ModelEvents progress;
    private final ApplicationEventPublisher events;

    private final ModelReferences references;

    ModelController(ModelRepository models, ModelEvents progress, ApplicationEventPublisher events, ModelReferences references) {
        this.references = references;
        this.models = models;
        this.progress = progress;
        this.events = events;
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models")
    List<ModelView> list(@RequestParam(required = false) JobStatus status,
            @RequestParam(required = false) UUID experimentId, @RequestParam(required = false) String name,
            @RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String after,
            jakarta.servlet.http.HttpServletResponse response) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw DomainException.invalidField("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        Long before = after == null ? null : parseSeq(io.netforge.web.Cursors.decode(after, "models", 1).get(0));
        ModelRepository.Page page = models.page(status, experimentId, name, limit, before, true);
        String next = io.netforge.web.Cursors.nextLink(page.nextSeq() == null ? null
                : io.netforge.web.Cursors.encode("models", page.nextSeq()));
        if (next != null) {
            response.setHeader(org.springframework.http.HttpHeaders.LINK, next);
        }
        return page.items();
    }

    private static long parseSeq(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw DomainException.invalidField("after", "is not a cursor of this list");
        }
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}")
    ModelView get(@PathVariable("id") String reference) {
        UUID id = references.resolve(reference, "id");
        return models.getView(id);
    }

    /** An alias: letters, digits, '-' and '_', starting with a letter (so it cannot be read as a version). */
    static final java.util.regex.Pattern ALIAS = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    /**
     * Points an alias of the model's name (e.g. champion) at this model, moving it from another version if it named
     * one. The model must have SUCCEEDED (runs of experiments have no versions).
     */
    @Route(access = Route.Access.TRAIN)
    @PutMapping("/models/{id}/aliases/{alias}")
    ModelView setAlias(@PathVariable("id") String reference, @PathVariable String alias) {
        UUID id = references.resolve(reference, "id");
        if (!ALIAS.matcher(alias).matches()) {
            throw DomainException.invalidField("alias", "'" + alias + "' must be 1 to 64 letters, digits, '-' or '_',"
                    + " starting with a letter");
        }
        ModelView model = models.getView(id);
        if (model.version() == null) {
            throw DomainException.conflict("model " + id + " is " + model.status() + (model.experimentId() != null
                    ? ", a run of an experiment" : "") + "; only a version of a name (a SUCCEEDED model) takes an alias");
        }
        if (!models.setAlias(id, model.name(), alias)) {
            throw DomainException.conflict("model " + id + " was deleted or is no longer a version of '"
                    + model.name() + "' while its alias was being set");
        }
        return models.getView(id);
    }

    @Route(access = Route.Access.ADMIN)
    @DeleteMapping("/models/{id}/aliases/{alias}")
    ResponseEntity<Void> deleteAlias(@PathVariable("id") String reference, @PathVariable String alias) {
        UUID id = references.resolve(reference, "id");
        models.getView(id);
        if (!models.deleteAlias(id, alias)) {
            throw DomainException.notFound("alias", "'" + alias + "' of model " + id);
        }
        return ResponseEntity.noContent().build();
    }

    /** Server-sent events: {@code progress} while the model trains, then {@code model} when it is done. */
    @Route(access = Route.Access.READ)
    @GetMapping(path = "/models/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable("id") String reference, jakarta.servlet.http.HttpServletRequest request) {
        UUID id = references.resolve(reference, "id");
        return progress.subscribe(id, io.netforge.web.Clients.of(request));
    }

    /** Deletes a model in any state; a job still training stops within a heartbeat. */
    @Route(access = Route.Access.ADMIN)
    @DeleteMapping("/models/{id}")
    ResponseEntity<Void> delete(@PathVariable("id") String reference) {
        UUID id = references.resolve(reference, "id");
        if (!models.delete(id)) {
            throw DomainException.notFound("model", id);
        }
        events.publishEvent(new ModelDeletedEvent(id));
        return ResponseEntity.noContent().build();
    }
}

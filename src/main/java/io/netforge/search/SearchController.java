package io.netforge.search;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.netforge.problem.DomainException;
import io.netforge.web.Clients;
import io.netforge.web.EventStreams;
import io.netforge.web.Route;

/** Automatic searches: {@code /searches}. */
@RestController
class SearchController {

    static final int MAX_LIMIT = 1000;

    private final SearchService searches;
    private final SearchEvents events;
    private final EventStreams streams;

    SearchController(SearchService searches, SearchEvents events, EventStreams streams) {
        this.searches = searches;
        this.events = events;
        this.streams = streams;
    }

    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN, idempotent = true)
    @PostMapping(path = "/searches", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SearchView> create(@RequestBody SearchRequest request) {
        SearchView view = searches.create(request);
        return ResponseEntity.accepted().location(URI.create("/searches/" + view.id())).body(view);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/searches")
    List<SearchView> list(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw DomainException.invalidField("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return searches.list(limit);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/searches/{id}")
    SearchView get(@PathVariable UUID id) {
        return searches.get(id);
    }

    /** Server-sent events: {@code progress} (status and rungs) while it runs, then {@code search} when it is done. */
    @Route(access = Route.Access.READ)
    @GetMapping(path = "/searches/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable UUID id, jakarta.servlet.http.HttpServletRequest request) {
        return streams.subscribe(events, id, Clients.of(request));
    }

    @Route(access = Route.Access.TRAIN)
    @PostMapping("/searches/{id}/cancel")
    SearchView cancel(@PathVariable UUID id) {
        return searches.cancel(id);
    }

    @Route(access = Route.Access.ADMIN)
    @DeleteMapping("/searches/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        searches.delete(id);
        return ResponseEntity.noContent().build();
    }
}

package io.netforge.search;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import io.netforge.problem.DomainException;
import io.netforge.training.AutoNetwork;
import io.netforge.training.TrainRequest;
import io.netforge.web.JsonProblems;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /models} with {@code "network": "auto"}: the rest of the body is the training request, its optional
 * {@code search} object the budget ({@code maxResources}, {@code candidates}, {@code folds}, ... of
 * {@code POST /searches}); answered 202 with the search, whose {@code model} is the refitted best candidate once
 * chosen, named as the request names it.
 */
@Component
class AutoSearch implements AutoNetwork {

    private final SearchService searches;
    private final JsonMapper json;

    AutoSearch(SearchService searches, JsonMapper json) {
        this.searches = searches;
        this.json = json;
    }

    @Override
    public ResponseEntity<?> start(ObjectNode body) {
        ObjectNode training = body.deepCopy();
        training.remove("network");
        JsonNode options = training.remove("search");
        TrainRequest request;
        try {
            request = json.treeToValue(training, TrainRequest.class);
        } catch (JacksonException e) {
            throw JsonProblems.invalidBody(e);
        }
        if (options != null && !options.isNull() && !options.isObject()) {
            throw DomainException.invalidField("search", "must be an object of POST /searches' budget fields");
        }
        SearchRequest search;
        try {
            search = options == null || options.isNull() ? null : json.treeToValue(options, SearchRequest.class);
        } catch (JacksonException e) {
            throw JsonProblems.invalidBody(e).under("search.");
        }
        if (search != null && search.name() != null) {
            throw DomainException.invalidField("search.name", "is the request's name here; give name at the top");
        }
        if (search != null && search.request() != null) {
            throw DomainException.invalidField("search.request", "is the body itself here; leave it out");
        }
        SearchRequest full = search == null
                ? new SearchRequest(null, request, null, null, null, null, null, null, null, null, null, null)
                : new SearchRequest(null, request, search.space(), search.factor(), search.minResources(),
                        search.maxResources(), search.candidates(), search.aggressiveElimination(), search.folds(),
                        search.metric(), search.seed(), search.wallClockSeconds());
        SearchView view = searches.create(full, "search.");
        return ResponseEntity.accepted().location(URI.create("/searches/" + view.id())).body(view);
    }
}

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

/**
 * {@code POST /models} with {@code "network": "auto"}: the rest of the body is the training request (the network's
 * other fields, if it is an object, kept by every candidate), its optional {@code search} object the budget
 * ({@code maxResources}, {@code candidates}, {@code folds}, ... of {@code POST /searches}); answered 303 See Other
 * with the search (Location: /searches/{id}, and the body), whose {@code model} is the refitted best candidate once chosen, named as the
 * request names it.
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
    public ResponseEntity<?> start(TrainRequest request) {
        JsonNode options = request.search();
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
        TrainRequest base = request.withoutSearch();
        SearchRequest full = search == null
                ? new SearchRequest(null, base, null, null, null, null, null, null, null, null, null, null)
                : new SearchRequest(null, base, search.space(), search.factor(), search.minResources(),
                        search.maxResources(), search.candidates(), search.aggressiveElimination(), search.folds(),
                        search.metric(), search.seed(), search.wallClockSeconds());
        SearchView view = searches.create(full, "search.");
        return ResponseEntity.status(org.springframework.http.HttpStatus.SEE_OTHER)
                .location(URI.create("/searches/" + view.id())).body(view);
    }
}

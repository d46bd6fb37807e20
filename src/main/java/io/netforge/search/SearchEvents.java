package io.netforge.search;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.netforge.job.JobStatus;
import io.netforge.web.EventStreams;

/**
 * A search's progress as server-sent events ({@link EventStreams}): a {@code progress} event whenever its status or
 * a rung's runs changed, and a final {@code search} event with the whole search (its leaderboard and its
 * {@code model}) once it has finished.
 */
@Component
class SearchEvents implements EventStreams.Feed<SearchView> {

    /** What a {@code progress} event carries: the status and each rung's runs. */
    record ProgressEvent(JobStatus status, List<SearchLeaderboard.Rung> rungs) {
    }

    private final SearchService searches;

    SearchEvents(SearchService searches) {
        this.searches = searches;
    }

    @Override
    public String kind() {
        return "search";
    }

    @Override
    public Optional<SearchView> find(UUID id) {
        return searches.findView(id);
    }

    @Override
    public Object progress(SearchView search) {
        return new ProgressEvent(search.status(), search.rungs());
    }

    @Override
    public boolean finished(SearchView search) {
        return search.status().isTerminal();
    }
}

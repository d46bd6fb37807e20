package io.netforge.search;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.netforge.job.JobStatus;
import io.netforge.web.EventStreams;

/**
 * A search's progress as server-sent events ({@link EventStreams}): a {@code progress} event whenever its status or
 * a rung's run counts changed, and a final {@code search} event with the whole search (its leaderboard and its
 * {@code model}) once it has finished. Each tick reads the counts only; the whole search, with every run's metrics,
 * is read once, for the final event.
 */
@Component
class SearchEvents implements EventStreams.Feed<SearchEvents.Snapshot> {

    /**
     * What a {@code progress} event carries: the status and each rung's run counts (a rung's {@code best} is in the
     * final event).
     */
    record ProgressEvent(JobStatus status, List<SearchLeaderboard.Rung> rungs) {
    }

    /** What a tick reads: the progress, and the whole search once it has finished. */
    record Snapshot(ProgressEvent progress, SearchView finished) {
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
    public Optional<Snapshot> find(UUID id) {
        return searches.progress(id).map(p -> new Snapshot(p, p.status().isTerminal()
                ? searches.findView(id).orElse(null) : null));
    }

    @Override
    public Object progress(Snapshot snapshot) {
        return snapshot.progress();
    }

    @Override
    public boolean finished(Snapshot snapshot) {
        return snapshot.finished() != null;
    }

    @Override
    public Object finalEvent(Snapshot snapshot) {
        return snapshot.finished();
    }
}

package io.netforge.search;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.netforge.job.JobFailedException;
import io.netforge.job.JobKind;
import io.netforge.job.JobProperties;
import io.netforge.job.JobRun;
import io.netforge.job.JobStoppedException;
import io.netforge.job.Outcome;
import io.netforge.job.StopReason;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.network.NetworkRequest;
import io.netforge.problem.Names;
import io.netforge.tabular.DataSpec;
import io.netforge.tabular.Score;
import io.netforge.training.TrainRequest;
import io.netforge.training.TrainingService;

/**
 * A search's coordinator, a kind of job on the engine: it queues the first rung's runs, waits until every run of the
 * current rung has finished, ranks its candidates and queues the best 1 / factor of them for the next rung, and after
 * the last rung queues the best candidate's refit as an ordinary model. It keeps no state of its own: each step reads
 * the search and its runs, and each rung is queued by a conditional UPDATE of the search's rung in the same
 * transaction as its runs, so that when an instance dies and another takes the job over, every rung is queued once
 * and every run trains once. The refit is queued in the transaction that marks the job SUCCEEDED, so it too happens
 * once. Each run is seeded by the request, so the leaderboard does not depend on which instance trained what, or on
 * how often the coordinator was taken over.
 */
@Component
class SearchJob implements JobKind {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SearchJob.class);

    static final String KIND = "search";

    private final SearchRepository searches;
    private final ModelRepository models;
    private final TrainingService training;
    private final TransactionTemplate tx;
    private final SearchProperties properties;
    private final int workers;
    private final Clock clock;

    SearchJob(SearchRepository searches, ModelRepository models, TrainingService training, TransactionTemplate tx,
            SearchProperties properties, JobProperties jobs, Clock clock) {
        this.searches = searches;
        this.models = models;
        this.training = training;
        this.tx = tx;
        this.properties = properties;
        this.workers = jobs.workers() > 0 ? properties.workers() : 0;
        this.clock = clock;
    }

    @Override
    public String id() {
        return KIND;
    }

    @Override
    public int workers() {
        return workers;
    }

    @Override
    public Outcome run(JobRun run) {
        UUID id = run.id();
        while (true) {
            SearchRepository.Stored s = searches.find(id).orElseThrow(JobStoppedException::new);
            stopIfAsked(run, id);
            HalvingSchedule schedule = s.plan().schedule();
            if (s.rung() < 0) {
                List<Integer> all = new ArrayList<>();
                for (int c = 0; c < s.plan().candidates().size(); c++) {
                    all.add(c);
                }
                queue(s, 0, all);
                continue;
            }
            List<ModelRepository.RunStatus> statuses = models.rungStatuses(id, s.rung());
            long open = statuses.stream().filter(r -> !r.status().isTerminal()).count();
            run.progress(s.rung(), Map.of("rung", (double) s.rung(), "runs", (double) statuses.size(),
                    "finished", (double) (statuses.size() - open)));
            if (open > 0) {
                sleep(run, id);
                continue;
            }
            boolean validation = s.request().folds() == null;
            Score metric = s.task().score(s.metric()).orElseThrow();
            List<ModelRepository.Run> rungRuns = models.runs(id).stream()
                    .filter(r -> r.rung() != null && r.rung() == s.rung()).toList();
            List<SearchLeaderboard.Ranked> ranked = SearchLeaderboard.rank(rungRuns, metric,
                    SearchService.tieBreak(s.task(), metric), validation);
            boolean last = s.rung() == schedule.rungs() - 1;
            Long limit = s.request().wallClockSeconds();
            boolean deadline = limit != null && !clock.instant().isBefore(s.createdAt().plusSeconds(limit));
            if (ranked.isEmpty()) {
                if (s.rung() == 0) {
                    String first = rungRuns.stream().map(ModelRepository.Run::error).filter(e -> e != null)
                            .findFirst().orElse("no run gave a value of " + metric.id());
                    throw new JobFailedException("every_candidate_failed", "every candidate of the first rung failed;"
                            + " the first: " + first);
                }
                List<ModelRepository.Run> before = models.runs(id).stream()
                        .filter(r -> r.rung() != null && r.rung() == s.rung() - 1).toList();
                List<SearchLeaderboard.Ranked> previous = SearchLeaderboard.rank(before, metric,
                        SearchService.tieBreak(s.task(), metric), validation);
                return refit(s, previous.get(0).candidate(), s.rung() - 1, "failures");
            }
            if (last || deadline) {
                return refit(s, ranked.get(0).candidate(), s.rung(), last ? "completed" : "deadline");
            }
            int keep = Math.min(ranked.size(), schedule.candidates().get(s.rung() + 1));
            queue(s, s.rung() + 1, ranked.subList(0, keep).stream().map(SearchLeaderboard.Ranked::candidate).sorted()
                    .toList());
        }
    }

    /** Cancelled or deleted: the runs stop too. Shutting down or taken over: they go on, the next coordinator waits. */
    private void stopIfAsked(JobRun run, UUID id) {
        if (run.keepGoing()) {
            return;
        }
        if (run.stopReason() == StopReason.CANCELLED) {
            training.cancelRuns(id);
        }
        throw new JobStoppedException();
    }

    private void sleep(JobRun run, UUID id) {
        try {
            Thread.sleep(properties.poll());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobStoppedException();
        }
        stopIfAsked(run, id);
    }

    /** Queues rung {@code rung}'s runs of these candidates, unless another coordinator did. */
    private void queue(SearchRepository.Stored s, int rung, List<Integer> candidates) {
        long epochs = s.plan().schedule().resources().get(rung);
        SearchRequest request = s.request();
        NetworkRequest base = request.request().network() == null ? NetworkRequest.defaults()
                : request.request().network();
        Integer folds = request.folds();
        tx.executeWithoutResult(status -> {
            if (!searches.advance(s.id(), rung - 1)) {
                return; // another coordinator queued it
            }
            Function<NetworkRequest, TrainingService.Prepared> preparer = training.preparer(
                    SearchService.runRequest(request), folds, "folds");
            for (int c : candidates) {
                TrainingService.Prepared prepared = preparer.apply(s.plan().candidates().get(c).network(base, epochs));
                for (int f = 0; f < (folds == null ? 1 : folds); f++) {
                    DataSpec.Fold fold = folds == null ? null : new DataSpec.Fold(f, folds, request.seed());
                    String name = truncate(s.name() + " #" + c + " rung " + rung + (fold == null ? "" : " fold " + f));
                    training.enqueueRun(prepared, name, s.id(), c, fold, rung);
                }
            }
            log.info("Search {}: rung {} queued, {} candidates x {} epochs", s.id(), rung, candidates.size(), epochs);
        });
    }

    /** The outcome: the candidate's refit queued as a model, in the transaction that marks the search SUCCEEDED. */
    private Outcome refit(SearchRepository.Stored s, int candidate, int rung, String endedBy) {
        SearchRequest request = s.request();
        TrainRequest base = request.request();
        NetworkRequest baseNetwork = base.network() == null ? NetworkRequest.defaults() : base.network();
        long epochs = s.plan().schedule().resources().get(rung);
        TrainRequest refit = base.withNetwork(s.plan().candidates().get(candidate).network(baseNetwork, epochs))
                .withName(truncate(base.name() != null ? base.name() : s.name()));
        return () -> {
            ModelView model = training.submit(refit);
            searches.finish(s.id(), candidate, model.id(), endedBy);
            log.info("Search {} {}: candidate {} refitted as model {}", s.id(), endedBy, candidate, model.id());
        };
    }

    private static String truncate(String name) {
        return name.length() <= Names.MAX_LENGTH ? name : name.substring(0, Names.MAX_LENGTH).strip();
    }
}

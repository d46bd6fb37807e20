package io.netforge.search;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.netforge.job.JobWorkers;
import io.netforge.job.Jobs;
import io.netforge.model.ModelDeletedEvent;
import io.netforge.model.ModelRepository;
import io.netforge.network.NetworkLimits;
import io.netforge.network.NetworkRequest;
import io.netforge.network.NetworkSpec;
import io.netforge.problem.DomainException;
import io.netforge.problem.Names;
import io.netforge.tabular.Score;
import io.netforge.tabular.Task;
import io.netforge.training.TrainRequest;
import io.netforge.training.TrainingService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Searches: validates a request, draws its candidates and records it with its coordinating job in one transaction
 * (all of it, or nothing); reads, cancels and deletes them. {@link SearchJob} runs them.
 */
@Service
class SearchService {

    static final int MAX_FOLDS = 20;
    /** Draws per candidate a space may take to give a network within the limits before it is refused. */
    static final int MAX_DRAWS_PER_CANDIDATE = 20;

    private final TrainingService training;
    private final SearchRepository searches;
    private final ModelRepository models;
    private final Jobs jobs;
    private final JobWorkers workers;
    private final NetworkLimits limits;
    private final SearchProperties properties;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    SearchService(TrainingService training, SearchRepository searches, ModelRepository models, Jobs jobs,
            JobWorkers workers, NetworkLimits limits, SearchProperties properties, ApplicationEventPublisher events,
            Clock clock) {
        this.training = training;
        this.searches = searches;
        this.models = models;
        this.jobs = jobs;
        this.workers = workers;
        this.limits = limits;
        this.properties = properties;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The request the search's runs train on: with folds, the dataset less its test fraction, if any (a fold of it is
     * the held-out part); a test dataset is the refit's alone.
     */
    static TrainRequest runRequest(SearchRequest request) {
        TrainRequest base = request.request();
        return request.folds() == null ? base
                : new TrainRequest(base.datasetId(), null, base.testFraction(), base.name(), base.label(), base.task(),
                        base.features(), base.ignore(), base.preprocessing(), base.network(), null,
                        base.heldOutDatasetId());
    }

    /** Validates, draws and records a search with its job (QUEUED); 4xx naming the field when it cannot run. */
    @Transactional
    SearchView create(SearchRequest request) {
        if (request.request() == null) {
            throw DomainException.invalidField("request", "is required: a POST /models body");
        }
        return create(request, "");
    }

    /**
     * @param prefix where the search's fields are in the body ({@code search.} for {@code POST /models}); the
     *               training request's fields are named as in a {@code POST /models} body under {@code request.}
     *               (or at the top, for {@code POST /models})
     */
    @Transactional
    SearchView create(SearchRequest request, String prefix) {
        String requestPrefix = prefix.isEmpty() ? "request." : "";
        if (prefix.isEmpty() && request.request().search() != null && !request.request().search().isNull()) {
            throw DomainException.invalidField("request.search", "the budget is this body's own fields here");
        }
        NetworkRequest baseNetwork = request.request().network() == null ? NetworkRequest.defaults()
                : request.request().network().searched(false);
        TrainRequest base = request.request().withNetwork(baseNetwork).withoutSearch();
        request = new SearchRequest(request.name(), base, request.space(), request.factor(), request.minResources(),
                request.maxResources(), request.candidates(), request.aggressiveElimination(), request.folds(),
                request.metric(), request.seed(), request.wallClockSeconds());
        if (baseNetwork.maxIterations() != null) {
            throw DomainException.invalidField(requestPrefix + "network.maxIterations", "a search sets each run's epochs"
                    + " by its rungs; leave it out and give " + prefix + "maxResources instead");
        }
        Integer folds = request.folds();
        if (folds != null && folds != 0 && (folds < 2 || folds > MAX_FOLDS)) {
            throw DomainException.invalidField(prefix + "folds", "must be 0 (rank on early stopping's validation rows) or 2"
                    + " to " + MAX_FOLDS + ", got " + folds);
        }
        String name = request.name() == null ? null : Names.check("name", request.name());
        UUID id = UUID.randomUUID();
        name = name != null ? name : base.name() != null ? base.name() : "search-" + id.toString().substring(0, 8);

        double factor = request.factor() == null ? SearchRequest.DEFAULT_FACTOR : request.factor();
        if (!(factor > 1 && factor <= 100)) {
            throw DomainException.invalidField(prefix + "factor", "must be a number greater than 1 and at most 100, got "
                    + factor);
        }
        long maxResources = request.maxResources() == null ? SearchRequest.DEFAULT_MAX_RESOURCES : request.maxResources();
        if (maxResources < 1 || maxResources > limits.maxIterations()) {
            throw DomainException.invalidField(prefix + "maxResources", "must be a number of epochs from 1 to "
                    + limits.maxIterations() + ", got " + maxResources);
        }
        HalvingSchedule.MinResources min = minResources(request.minResources(), prefix + "minResources");
        if (min instanceof HalvingSchedule.MinResources.Given given && given.epochs() > maxResources) {
            throw DomainException.invalidField(prefix + "minResources", "must be at most maxResources (" + maxResources
                    + "), got " + given.epochs());
        }
        Integer candidates = candidates(request.candidates(), prefix + "candidates");
        if (min instanceof HalvingSchedule.MinResources.Exhaust && candidates == null) {
            throw DomainException.invalidField(prefix + "candidates", "candidates and minResources cannot both be"
                    + " 'exhaust' (each is computed from the other)");
        }
        boolean aggressive = Boolean.TRUE.equals(request.aggressiveElimination());
        HalvingSchedule schedule = HalvingSchedule.of(factor, min, maxResources, candidates, aggressive);
        int drawn = schedule.candidates().get(0);
        if (drawn > properties.maxCandidates()) {
            throw DomainException.invalidField(prefix + (candidates == null ? "maxResources" : "candidates"), drawn
                    + " candidates; at most " + properties.maxCandidates() + " (netforge.searches.max-candidates)"
                    + (candidates == null ? ": 'exhaust' draws maxResources // minResources" : ""));
        }
        if (request.wallClockSeconds() != null && (request.wallClockSeconds() < 1
                || request.wallClockSeconds() > 7 * 24 * 3600)) {
            throw DomainException.invalidField(prefix + "wallClockSeconds", "must be from 1 to 604800 (a week), got "
                    + request.wallClockSeconds());
        }
        SearchSpace space = (request.space() == null ? SearchSpace.defaults() : request.space().resolved());
        space.validate(limits, prefix + "space");
        long seed = request.seed() == null ? 0 : request.seed();

        if (folds == null) {
            // by default small tables are ranked by k-fold cross-validation (a validation slice of a few dozen rows
            // ranks by chance), larger ones on the validation rows; so are tables with a class too rare for the folds
            try {
                folds = automaticFolds(request.withFolds(null));
            } catch (DomainException e) {
                throw under(e, requestPrefix);
            }
        } else if (folds == 0) {
            folds = null;
        }
        request = request.withFolds(folds);
        int perRun = folds == null ? 1 : folds;
        long runs = schedule.runs() * perRun;
        long epochs = (schedule.epochs() + maxResources) * perRun;
        if (runs > properties.maxRuns() || epochs > properties.maxEpochs()) {
            throw DomainException.invalidField(prefix + "maxResources", "the rungs " + schedule.candidates()
                    + " candidates x " + schedule.resources() + " epochs" + (folds == null ? "" : " x " + folds + " folds")
                    + " are " + runs + " runs and " + epochs + " epochs with the refit; at most " + properties.maxRuns()
                    + " runs (netforge.searches.max-runs) and " + properties.maxEpochs()
                    + " epochs (netforge.searches.max-epochs)");
        }
        Function<NetworkRequest, TrainingService.Prepared> runs0;
        TrainingService.Prepared checked;
        try {
            runs0 = training.preparer(runRequest(request), folds, prefix + "folds");
            if (folds != null && base.testDatasetId() != null) {
                training.prepare(base, null, prefix + "folds"); // the refit keeps the test dataset
            }
            // the base network alone, as every candidate will train it: its own fields are named if wrong
            checked = runs0.apply(withEpochs(baseNetwork, maxResources));
        } catch (DomainException e) {
            throw (prefix + "folds").equals(e.properties().get("field")) ? e : under(e, requestPrefix);
        }
        Task task = checked.task();
        Score metric = metric(request.metric(), task, prefix + "metric");

        SplittableRandom random = new SplittableRandom(seed);
        List<SearchSpace.Candidate> drawnCandidates = new ArrayList<>(drawn);
        DomainException lastRefusal = null;
        int draws = 0;
        while (drawnCandidates.size() < drawn) {
            if (++draws > MAX_DRAWS_PER_CANDIDATE * drawn) {
                throw DomainException.unprocessable(prefix + "space: " + draws + " draws gave only "
                        + drawnCandidates.size() + " of " + drawn + " candidates within the limits; the last refused: "
                        + lastRefusal.getMessage()).with("field", prefix + "space");
            }
            SearchSpace.Candidate candidate = space.draw(random);
            try {
                NetworkSpec spec = runs0.apply(candidate.network(baseNetwork, maxResources)).spec();
                drawnCandidates.add(effective(spec));
            } catch (DomainException e) {
                lastRefusal = e; // too many parameters for these inputs, say: draw again
            }
        }
        SearchRequest normalized = new SearchRequest(name, base, space, factor, request.minResources() == null
                ? JsonNodeFactory.instance.numberNode(schedule.minResources()) : request.minResources(), maxResources,
                request.candidates() == null ? JsonNodeFactory.instance.stringNode("exhaust") : request.candidates(),
                aggressive, folds, metric.id(), seed, request.wallClockSeconds());
        searches.insert(new SearchRepository.Stored(id, name, normalized,
                new SearchRepository.Plan(drawnCandidates, schedule), task, metric.id(), -1, null, null, null,
                clock.instant()));
        List<UUID> datasets = base.testDatasetId() == null ? List.of(base.datasetId())
                : List.of(base.datasetId(), base.testDatasetId());
        jobs.enqueue(id, SearchJob.KIND, null, datasets);
        workers.wakeUpAfterCommit(SearchJob.KIND);
        return get(id);
    }

    /** Tables of at most this many training rows are ranked by k-fold cross-validation by default. */
    static final long SMALL_TABLE = 2000;
    static final int DEFAULT_FOLDS = 5;

    /**
     * {@value #DEFAULT_FOLDS} folds for a table of at most {@value #SMALL_TABLE} training rows whose every class has
     * enough rows for them; else null (rank on early stopping's validation rows).
     */
    private Integer automaticFolds(SearchRequest request) {
        // (decided from the counts, not by catching a refusal: an exception out of a transactional call would mark
        // the caller's transaction rollback-only)
        TrainingService.Prepared whole = training.prepare(runRequest(request), null, "folds");
        return whole.trainingRows() <= SMALL_TABLE && whole.fewestRows() >= DEFAULT_FOLDS ? DEFAULT_FOLDS : null;
    }

    private static DomainException under(DomainException e, String prefix) {
        return prefix.isEmpty() ? e : e.under(prefix);
    }

    /** The base network as a run of {@code epochs} epochs trains it (early stopping always on). */
    private static NetworkRequest withEpochs(NetworkRequest n, long epochs) {
        return new NetworkRequest(n.hiddenLayers(), n.learningRate(), epochs, n.threshold(), n.seed(), n.standardize(),
                n.precision(), n.activation(), n.initialization(), n.optimizer(), n.batchSize(), n.l2(),
                n.earlyStopping() != null ? n.earlyStopping() : new NetworkRequest.EarlyStoppingRequest(null, null, null),
                n.classWeights(), n.thresholdRule(), n.calibration(), null);
    }

    /** What a candidate trains with, read off its validated network. */
    private static SearchSpace.Candidate effective(NetworkSpec spec) {
        List<String> activations = spec.activation();
        String activation = activations.isEmpty() ? null
                : activations.stream().distinct().count() == 1 ? activations.get(0) : String.join(",", activations);
        return new SearchSpace.Candidate(spec.hiddenLayers(), activation, spec.optimizer().type(), spec.learningRate(),
                spec.batchSize(), spec.l2());
    }

    private static HalvingSchedule.MinResources minResources(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return new HalvingSchedule.MinResources.Given(SearchRequest.DEFAULT_MIN_RESOURCES);
        }
        if (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 1) {
            return new HalvingSchedule.MinResources.Given(value.asLong());
        }
        if (value.isString() && value.asString().equals("smallest")) {
            return new HalvingSchedule.MinResources.Smallest();
        }
        if (value.isString() && value.asString().equals("exhaust")) {
            return new HalvingSchedule.MinResources.Exhaust();
        }
        throw DomainException.invalidField(field, "must be a number of epochs (at least 1), \"smallest\" or"
                + " \"exhaust\", got " + value);
    }

    private static Integer candidates(JsonNode value, String field) {
        if (value == null || value.isNull() || value.isString() && value.asString().equals("exhaust")) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 1) {
            return value.asInt();
        }
        throw DomainException.invalidField(field, "must be a number of candidates (at least 1) or \"exhaust\", got "
                + value);
    }

    static Score metric(String requested, Task task, String field) {
        if (requested == null) {
            return task.defaultScore();
        }
        return task.score(requested).orElseThrow(() -> DomainException.invalidField(field, "'" + requested
                + "' is not a metric of a " + task.id() + " model; use one of "
                + String.join(", ", task.scores().stream().map(Score::id).toList())));
    }

    /** What breaks a tie in the metric: the task's log-loss, where it has one. */
    static Score tieBreak(Task task, Score metric) {
        return task.score("logLoss").filter(s -> !s.id().equals(metric.id())).orElse(null);
    }

    SearchView get(UUID id) {
        SearchRepository.Stored stored = find(id);
        return view(stored);
    }

    /** The search, or empty when there is none (or it was deleted). */
    Optional<SearchView> findView(UUID id) {
        return searches.find(id).flatMap(s -> jobs.find(id).isPresent() ? Optional.of(view(s)) : Optional.empty());
    }

    /**
     * A search's status and each rung's run counts, read without the runs' documents (what its event stream polls);
     * the rungs' best candidates are left out. Empty when there is no such search.
     */
    Optional<SearchEvents.ProgressEvent> progress(UUID id) {
        Optional<SearchRepository.Stored> stored = searches.find(id);
        Optional<Jobs.State> job = jobs.find(id);
        if (stored.isEmpty() || job.isEmpty()) {
            return Optional.empty();
        }
        HalvingSchedule schedule = stored.get().plan().schedule();
        java.util.Map<Integer, java.util.Map<io.netforge.job.JobStatus, Integer>> counts = models.rungCounts(id);
        List<SearchLeaderboard.Rung> rungs = new ArrayList<>();
        for (int r = 0; r < schedule.rungs(); r++) {
            java.util.Map<io.netforge.job.JobStatus, Integer> c = counts.getOrDefault(r, java.util.Map.of());
            int runs = c.values().stream().mapToInt(Integer::intValue).sum();
            int perCandidate = stored.get().request().folds() == null ? 1 : stored.get().request().folds();
            rungs.add(new SearchLeaderboard.Rung(r, schedule.resources().get(r),
                    runs == 0 ? schedule.candidates().get(r) : runs / perCandidate, runs,
                    c.getOrDefault(io.netforge.job.JobStatus.QUEUED, 0), c.getOrDefault(io.netforge.job.JobStatus.RUNNING, 0),
                    c.getOrDefault(io.netforge.job.JobStatus.SUCCEEDED, 0), c.getOrDefault(io.netforge.job.JobStatus.FAILED, 0),
                    c.getOrDefault(io.netforge.job.JobStatus.CANCELLED, 0), null));
        }
        return Optional.of(new SearchEvents.ProgressEvent(job.get().status(), rungs));
    }

    List<SearchView> list(int limit) {
        return searches.list(limit).stream().map(this::view).toList();
    }

    /** Cancels the search and every unfinished run of it. */
    @Transactional
    SearchView cancel(UUID id) {
        SearchView current = get(id);
        if (current.status().isTerminal()) {
            throw DomainException.conflict("search " + id + " is already " + current.status()
                    + "; only QUEUED or RUNNING searches can be cancelled");
        }
        workers.cancel(id);
        training.cancelRuns(id);
        return get(id);
    }

    /** Deletes the search, its job and every run of it, in any state; the refitted model stays, a model like any. */
    @Transactional
    void delete(UUID id) {
        find(id);
        List<UUID> runs = models.deleteRuns(id);
        workers.delete(List.of(id));
        searches.delete(id);
        runs.forEach(run -> events.publishEvent(new ModelDeletedEvent(run)));
    }

    private SearchRepository.Stored find(UUID id) {
        return searches.find(id).orElseThrow(() -> DomainException.notFound("search", id));
    }

    private SearchView view(SearchRepository.Stored read) {
        Jobs.State job = jobs.find(read.id()).orElseThrow(() -> DomainException.notFound("search", read.id()));
        // the search's row was read before its job's state: a search that finished in between has its refit in the
        // same commit as its SUCCEEDED, so read the row again rather than show SUCCEEDED without its model
        SearchRepository.Stored s = job.status() == io.netforge.job.JobStatus.SUCCEEDED && read.modelId() == null
                ? searches.find(read.id()).orElse(read) : read;
        Task task = s.task();
        Score metric = task.score(s.metric()).orElseThrow();
        boolean validation = s.request().folds() == null;
        SearchLeaderboard.Result result = SearchLeaderboard.of(s.plan(), models.runs(s.id()), task.scores(), metric,
                tieBreak(task, metric), validation);
        return SearchView.of(s, job, result, validation);
    }
}

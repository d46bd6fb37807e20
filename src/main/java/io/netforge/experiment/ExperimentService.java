package io.netforge.experiment;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.netforge.job.JobStatus;
import io.netforge.model.ModelDeletedEvent;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.network.NetworkRequest;
import io.netforge.problem.DomainException;
import io.netforge.problem.Names;
import io.netforge.tabular.DataSpec;
import io.netforge.tabular.Score;
import io.netforge.tabular.Task;
import io.netforge.training.TrainRequest;
import io.netforge.training.TrainingService;
import io.netforge.web.JsonProblems;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Experiments: a grid of configurations of one training request, each trained once per seed and (with
 * cross-validation) per fold as an ordinary job on the training queue, so that any instance runs it, exactly once,
 * surviving restarts. The experiment itself holds no state a run could leave stale: its status, progress and
 * leaderboard are read from its runs.
 */
@Service
class ExperimentService {

    static final int MAX_FOLDS = 20;
    static final int MAX_VALUES = 100;
    private static final List<String> NETWORK_FIELDS = Arrays.stream(NetworkRequest.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName).toList();

    private final TrainingService training;
    private final ExperimentRepository experiments;
    private final ModelRepository models;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final ExperimentProperties properties;
    private final Clock clock;

    ExperimentService(TrainingService training, ExperimentRepository experiments, ModelRepository models,
            ApplicationEventPublisher events, JsonMapper json, ExperimentProperties properties, Clock clock) {
        this.training = training;
        this.experiments = experiments;
        this.models = models;
        this.events = events;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    /** Validates the experiment and queues all its runs in one transaction: all of them, or none. */
    @Transactional
    ExperimentView create(ExperimentRequest request) {
        if (request.request() == null) {
            throw DomainException.invalidField("request", "is required: a POST /models body");
        }
        TrainRequest base = request.request();
        Integer folds = request.folds();
        if (folds != null) {
            if (folds < 2 || folds > MAX_FOLDS) {
                throw DomainException.invalidField("folds", "must be 2 to " + MAX_FOLDS + ", got " + folds);
            }
            if (base.testDatasetId() != null || base.testFraction() != null) {
                throw DomainException.invalidField("folds", "cross-validation tests on folds of the dataset; leave out "
                        + (base.testDatasetId() != null ? "request.testDatasetId" : "request.testFraction"));
            }
        } else if (base.testDatasetId() == null && base.testFraction() == null) {
            throw DomainException.invalidField("request.testFraction", "an experiment needs test rows: give"
                    + " request.testDatasetId, request.testFraction or folds");
        }
        String name = request.name() == null ? null : Names.check("name", request.name());
        UUID id = UUID.randomUUID();
        name = name != null ? name : "experiment-" + id.toString().substring(0, 8);
        NetworkRequest baseNetwork = base.network() == null ? NetworkRequest.defaults() : base.network();

        TrainingService.Prepared prepared;
        try {
            prepared = training.prepare(base.withNetwork(baseNetwork), folds, "folds");
        } catch (DomainException e) {
            throw e.under("request.");
        }
        Task task = prepared.task();
        Score metric = metric(request.metric(), task);

        Map<String, List<JsonNode>> grid = request.grid() == null ? Map.of() : request.grid();
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> entry : grid.entrySet()) {
            String key = entry.getKey();
            if (!NETWORK_FIELDS.contains(key)) {
                throw DomainException.invalidField("grid." + key, "is not a field of network; the fields are "
                        + String.join(", ", NETWORK_FIELDS));
            }
            List<JsonNode> values = entry.getValue();
            if (values == null || values.isEmpty() || values.size() > MAX_VALUES) {
                throw DomainException.invalidField("grid." + key, "must be a list of 1 to " + MAX_VALUES + " values");
            }
            for (int j = 0; j < values.size(); j++) {
                // each value alone on the base network, so that a bad one is named
                NetworkRequest one = network(baseNetwork, Map.of(key, values.get(j)), "grid." + key + "[" + j + "]");
                try {
                    training.prepare(base.withNetwork(one), folds, "folds");
                } catch (DomainException e) {
                    DomainException named = e.renamed("network." + key, "grid." + key + "[" + j + "]");
                    throw named != e ? named : e.under("request.");
                }
            }
            if (!key.equals("seed")) {
                keys.add(key);
            }
        }
        List<Long> seeds = new ArrayList<>();
        if (grid.containsKey("seed")) {
            for (JsonNode seed : grid.get("seed")) {
                seeds.add(seed.asLong());
            }
        } else {
            seeds.add(prepared.spec().seed());
        }
        List<Map<String, JsonNode>> settings = product(keys, grid);
        long runs = (long) settings.size() * seeds.size() * (folds == null ? 1 : folds);
        if (runs > properties.maxRuns()) {
            throw DomainException.invalidField("grid", settings.size() + " configurations x " + seeds.size() + " seeds"
                    + (folds == null ? "" : " x " + folds + " folds") + " are " + runs + " runs; at most "
                    + properties.maxRuns() + " (netforge.experiments.max-runs)");
        }

        long foldSeed = request.seed() == null ? 0 : request.seed();
        List<ExperimentRepository.Configuration> configurations = new ArrayList<>();
        for (int c = 0; c < settings.size(); c++) {
            List<Integer> hiddenLayers = null;
            for (long seed : seeds) {
                Map<String, JsonNode> cell = new LinkedHashMap<>(settings.get(c));
                cell.put("seed", json.getNodeFactory().numberNode(seed));
                NetworkRequest network = network(baseNetwork, cell, "grid");
                TrainingService.Prepared run;
                try {
                    run = training.prepare(base.withNetwork(network), folds, "folds");
                } catch (DomainException e) {
                    throw DomainException.invalidField("grid", "configuration " + c + " " + json.writeValueAsString(cell)
                            + ": " + e.getMessage());
                }
                hiddenLayers = run.spec().hiddenLayers();
                for (int f = 0; f < (folds == null ? 1 : folds); f++) {
                    DataSpec.Fold fold = folds == null ? null : new DataSpec.Fold(f, folds, foldSeed);
                    String runName = name + " #" + c + " seed " + seed + (fold == null ? "" : " fold " + f);
                    training.enqueueRun(run, truncate(runName), id, c, fold);
                }
            }
            configurations.add(new ExperimentRepository.Configuration(settings.get(c), hiddenLayers));
        }
        ExperimentRequest normalized = new ExperimentRequest(name, base, grid, folds, metric.id(), foldSeed);
        experiments.insert(new ExperimentRepository.Stored(id, name, normalized,
                new ExperimentRepository.Plan(configurations, seeds), task, metric.id(), folds, (int) runs,
                clock.instant(), false));
        return get(id);
    }

    private static Score metric(String requested, Task task) {
        if (requested == null) {
            return task.defaultScore();
        }
        return task.score(requested).orElseThrow(() -> DomainException.invalidField("metric", "'" + requested
                + "' is not a test metric of a " + task.id() + " model; use one of "
                + String.join(", ", task.scores().stream().map(Score::id).toList())));
    }

    /** The base network with some fields replaced by JSON values, bound as a request's network would be. */
    private NetworkRequest network(NetworkRequest base, Map<String, JsonNode> values, String field) {
        ObjectNode node = json.valueToTree(base);
        values.forEach(node::set);
        try {
            return json.treeToValue(node, NetworkRequest.class);
        } catch (JacksonException e) {
            throw JsonProblems.invalidValue(field, e);
        }
    }

    /** Every combination of the keys' values, the last key varying fastest. */
    private static List<Map<String, JsonNode>> product(List<String> keys, Map<String, List<JsonNode>> grid) {
        List<Map<String, JsonNode>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (String key : keys) {
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> partial : out) {
                for (JsonNode value : grid.get(key)) {
                    Map<String, JsonNode> more = new LinkedHashMap<>(partial);
                    more.put(key, value);
                    next.add(more);
                }
            }
            out = next;
        }
        return out;
    }

    ExperimentView get(UUID id) {
        return view(find(id));
    }

    List<ExperimentView> list(int limit) {
        return experiments.list(limit).stream().map(this::view).toList();
    }

    /** Cancels every unfinished run; the experiment becomes CANCELLED once they have stopped. */
    @Transactional
    ExperimentView cancel(UUID id) {
        ExperimentView current = get(id);
        if (current.status().isTerminal()) {
            throw DomainException.conflict("experiment " + id + " is already " + current.status()
                    + "; only QUEUED or RUNNING experiments can be cancelled");
        }
        experiments.requestCancel(id);
        training.cancelRuns(id);
        return get(id);
    }

    /** Deletes the experiment and every run of it, in any state; running ones stop within a heartbeat. */
    @Transactional
    void delete(UUID id) {
        find(id);
        List<UUID> runs = models.deleteRuns(id);
        experiments.delete(id);
        runs.forEach(run -> events.publishEvent(new ModelDeletedEvent(run)));
    }

    /** Trains the best configuration on the request's whole dataset (keeping its test dataset) as a model. */
    ModelView refit(UUID id) {
        ExperimentRepository.Stored stored = find(id);
        ExperimentView view = view(stored);
        if (view.best() == null) {
            throw DomainException.conflict("experiment " + id + " is " + view.status() + " and has no best configuration"
                    + " yet; refit it once a run of it has succeeded");
        }
        if (!view.status().isTerminal()) {
            throw DomainException.conflict("experiment " + id + " is still " + view.status() + "; refit it when done");
        }
        TrainRequest base = stored.request().request();
        NetworkRequest baseNetwork = base.network() == null ? NetworkRequest.defaults() : base.network();
        Map<String, JsonNode> best = new LinkedHashMap<>(view.best().settings());
        best.put("seed", json.getNodeFactory().numberNode(stored.plan().seeds().get(0)));
        TrainRequest refit = base.withNetwork(network(baseNetwork, best, "grid")).withoutTestFraction()
                .withName(truncate(stored.name() + " refit"));
        return training.submit(refit);
    }

    private static String truncate(String name) {
        return name.length() <= Names.MAX_LENGTH ? name : name.substring(0, Names.MAX_LENGTH).strip();
    }

    private ExperimentRepository.Stored find(UUID id) {
        return experiments.find(id).orElseThrow(() -> DomainException.notFound("experiment", id));
    }

    private ExperimentView view(ExperimentRepository.Stored e) {
        List<ModelRepository.Run> runs = models.runs(e.id());
        int queued = 0;
        int running = 0;
        int succeeded = 0;
        int failed = 0;
        int cancelled = 0;
        java.time.Instant finished = null;
        for (ModelRepository.Run run : runs) {
            switch (run.status()) {
                case QUEUED -> queued++;
                case RUNNING -> running++;
                case SUCCEEDED -> succeeded++;
                case FAILED -> failed++;
                case CANCELLED -> cancelled++;
            }
            if (run.finishedAt() != null && (finished == null || run.finishedAt().isAfter(finished))) {
                finished = run.finishedAt();
            }
        }
        boolean done = queued + running == 0;
        JobStatus status = !done ? (queued == runs.size() ? JobStatus.QUEUED : JobStatus.RUNNING)
                : e.cancelRequested() && cancelled > 0 ? JobStatus.CANCELLED
                : succeeded > 0 ? JobStatus.SUCCEEDED
                : cancelled > 0 ? JobStatus.CANCELLED : JobStatus.FAILED;
        Task task = e.task();
        Score metric = task.score(e.metric()).orElseThrow();
        List<ExperimentRepository.Configuration> configurations = e.plan().configurations();
        Leaderboard.Result result = Leaderboard.of(configurations.stream().map(ExperimentRepository.Configuration::settings)
                        .toList(), configurations.stream().map(ExperimentRepository.Configuration::hiddenLayers).toList(),
                runs, task.scores(), metric);
        Leaderboard.Entry best = result.entries().isEmpty() || !result.entries().get(0).metrics().containsKey(metric.id())
                ? null : result.entries().get(0);
        return new ExperimentView(e.id(), e.name(), status, e.task(), e.metric(), e.folds(), configurations.size(),
                e.plan().seeds(), new ExperimentView.Progress(runs.size(), queued, running, succeeded, failed, cancelled),
                e.cancelRequested(), e.createdAt(), done ? finished : null, result.entries(), best, result.series());
    }
}

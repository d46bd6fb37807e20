package io.netforge.prediction;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.job.JobStatus;
import io.netforge.model.ModelReferences;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.problem.DomainException;
import io.netforge.web.Route;

/**
 * Permutation importance as a job: {@code POST /models/{id}/importances} (202), its state and result at
 * {@code GET /models/{id}/importances/{importanceId}}, its permutations at {@code .../permutations}.
 */
@RestController
class ImportanceController {

    static final int MAX_REPEATS = 100;
    /** Model evaluations one computation may cause: rows x (1 + features x repeats). */
    static final long MAX_EVALUATIONS = 200_000_000L;

    /**
     * Body of {@code POST /models/{id}/importances}.
     *
     * @param datasetId the rows (with their labels); default the model's test dataset, else its training dataset
     * @param repeats   permutations per feature (default 5)
     * @param seed      draws the permutations (default 0)
     */
    record ImportanceRequest(UUID datasetId, Integer repeats, Long seed) {
    }

    private final Importances importances;
    private final ModelRepository models;
    private final DatasetStore datasets;
    private final ModelReferences references;

    ImportanceController(Importances importances, ModelRepository models, DatasetStore datasets,
            ModelReferences references) {
        this.importances = importances;
        this.models = models;
        this.datasets = datasets;
        this.references = references;
    }

    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN)
    @PostMapping("/models/{id}/importances")
    @Transactional
    ResponseEntity<Importances.View> submit(@PathVariable("id") String reference,
            @RequestBody(required = false) ImportanceRequest request) {
        UUID id = references.resolve(reference, "id");
        ImportanceRequest r = request == null ? new ImportanceRequest(null, null, null) : request;
        ModelView model = models.getView(id);
        if (model.status() != JobStatus.SUCCEEDED) {
            throw DomainException.conflict("model " + id + " is " + model.status()
                    + "; its importance is computed once it has SUCCEEDED");
        }
        int repeats = r.repeats() == null ? 5 : r.repeats();
        if (repeats < 1 || repeats > MAX_REPEATS) {
            throw DomainException.invalidField("repeats", "must be 1 to " + MAX_REPEATS + ", got " + repeats);
        }
        UUID datasetId = r.datasetId() != null ? r.datasetId()
                : model.testDatasetId() != null ? model.testDatasetId() : model.datasetId();
        DatasetInfo dataset;
        try {
            dataset = datasets.lockForUse(datasetId);
        } catch (DomainException e) {
            throw e.with("field", "datasetId");
        }
        long evaluations = dataset.rows() * (1L + (long) model.features().size() * repeats);
        if (evaluations > MAX_EVALUATIONS) {
            throw DomainException.tooLarge("datasetId: " + dataset.rows() + " rows x (1 + " + model.features().size()
                    + " features x " + repeats + " repeats) are " + evaluations + " model evaluations; at most "
                    + MAX_EVALUATIONS + ": fewer repeats, or a smaller dataset").with("field", "datasetId");
        }
        Importances.View view = importances.submit(id, datasetId, repeats, r.seed() == null ? 0 : r.seed());
        return ResponseEntity.accepted().location(java.net.URI.create("/models/" + id + "/importances/" + view.id()))
                .body(view);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/importances")
    List<Importances.View> list(@PathVariable("id") String reference) {
        UUID id = references.resolve(reference, "id");
        models.getView(id);
        return importances.list(id);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/importances/{importanceId}")
    Importances.View get(@PathVariable("id") String reference, @PathVariable UUID importanceId) {
        UUID id = references.resolve(reference, "id");
        return importances.find(id, importanceId).orElseThrow(() -> DomainException.notFound("importance",
                importanceId));
    }

    /**
     * The permutations it used, per feature, per repeat: row i of the permuted rows took row p[i]'s value (the rows
     * of its dataset that have a label, in upload order).
     */
    @Route(access = Route.Access.READ)
    @GetMapping("/models/{id}/importances/{importanceId}/permutations")
    Map<String, int[][]> permutations(@PathVariable("id") String reference, @PathVariable UUID importanceId) {
        Importances.View view = get(reference, importanceId);
        if (view.result() == null) {
            throw DomainException.conflict("importance " + importanceId + " is " + view.status()
                    + "; its permutations are known once it has SUCCEEDED");
        }
        List<String> features = view.result().features().stream().map(PermutationImportance.Feature::name).toList();
        int[][][] all = PermutationImportance.permutations(features.size(), view.repeats(),
                (int) view.result().rows(), view.seed());
        Map<String, int[][]> out = new LinkedHashMap<>();
        for (int j = 0; j < features.size(); j++) {
            out.put(features.get(j), all[j]);
        }
        return out;
    }

    @Route(access = Route.Access.ADMIN)
    @DeleteMapping("/models/{id}/importances/{importanceId}")
    ResponseEntity<Void> delete(@PathVariable("id") String reference, @PathVariable UUID importanceId) {
        UUID id = references.resolve(reference, "id");
        if (!importances.delete(id, importanceId)) {
            throw DomainException.notFound("importance", importanceId);
        }
        return ResponseEntity.noContent().build();
    }
}

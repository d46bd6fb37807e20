package io.netforge.training;

import java.net.URI;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.model.ModelReferences;
import io.netforge.model.ModelView;
import io.netforge.problem.DomainException;
import io.netforge.web.Route;

/**
 * Starts, cancels and reproduces training: {@code POST /models}, {@code POST /models/{id}/cancel|reproduce}; and says
 * what a request may ask for, {@code GET /training/options}.
 */
@RestController
class TrainingController {

    private final TrainingService training;
    private final ModelReferences references;
    private final TrainingOptions options;
    private final AutoNetwork auto;

    TrainingController(TrainingService training, ModelReferences references, io.netforge.network.NetworkLimits limits,
            AutoNetwork auto) {
        this.references = references;
        this.training = training;
        this.options = TrainingOptions.of(limits);
        this.auto = auto;
    }

    /** What a training request may ask for: tasks and their metrics, every option's choices, defaults, limits. */
    @Route(access = Route.Access.READ)
    @GetMapping("/training/options")
    TrainingOptions options() {
        return options;
    }

    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN, idempotent = true)
    @PostMapping(path = "/models", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> train(@RequestBody TrainRequest request) {
        if (request.network() != null && request.network().searching()) {
            return auto.start(request);
        }
        if (request.search() != null && !request.search().isNull()) {
            throw DomainException.invalidField("search", "is the budget of a search for the network; give it with"
                    + " \"network\": \"auto\"");
        }
        ModelView model = training.submit(request);
        return ResponseEntity.accepted().location(URI.create("/models/" + model.id())).body(model);
    }

    @Route(access = Route.Access.TRAIN)
    @PostMapping("/models/{id}/cancel")
    ModelView cancel(@PathVariable("id") String reference) {
        UUID id = references.resolve(reference, "id");
        return training.cancel(id);
    }

    /**
     * Retrains a SUCCEEDED model from its provenance as a new job; 202 with the new model, whose
     * {@code reproduction.matches} says, once it has SUCCEEDED, whether the weights came out bit for bit the same.
     */
    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN)
    @PostMapping("/models/{id}/reproduce")
    ResponseEntity<ModelView> reproduce(@PathVariable("id") String reference) {
        UUID id = references.resolve(reference, "id");
        ModelView copy = training.reproduce(id);
        return ResponseEntity.accepted().location(java.net.URI.create("/models/" + copy.id())).body(copy);
    }
}

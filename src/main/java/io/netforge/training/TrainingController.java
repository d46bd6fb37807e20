package io.netforge.training;

import java.net.URI;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.model.ModelReferences;
import io.netforge.model.ModelView;

/** Starts and cancels training: {@code POST /models}, {@code POST /models/{id}/cancel}. */
@RestController
class TrainingController {

    private final TrainingService training;

    private final ModelReferences references;

    TrainingController(TrainingService training, ModelReferences references) {
        this.references = references;
        this.training = training;
    }

    @PostMapping(path = "/models", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ModelView> train(@RequestBody TrainRequest request) {
        ModelView model = training.submit(request);
        return ResponseEntity.accepted().location(URI.create("/models/" + model.id())).body(model);
    }

    @PostMapping("/models/{id}/cancel")
    ModelView cancel(@PathVariable("id") String reference) {
        UUID id = references.resolve(reference, "id");
        return training.cancel(id);
    }
}

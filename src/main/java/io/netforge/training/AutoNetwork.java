package io.netforge.training;

import org.springframework.http.ResponseEntity;

/**
 * {@code POST /models} with {@code "network": "auto"}: a search of the default space for the request's data, whose
 * refitted best candidate is the model. Implemented by the search feature, which builds on training.
 */
public interface AutoNetwork {

    /**
     * Starts the search for this request (its network searched for; its {@code search} the optional budget):
     * 303 See Other with the search, which queues the model once it has found its network.
     */
    ResponseEntity<?> start(TrainRequest request);
}

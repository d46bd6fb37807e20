package io.netforge.training;

import org.springframework.http.ResponseEntity;

import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /models} with {@code "network": "auto"}: a search of the default space for the request's data, whose
 * refitted best candidate is the model. Implemented by the search feature, which builds on training.
 */
public interface AutoNetwork {

    String AUTO = "auto";

    /**
     * Starts the search for this body (a {@code POST /models} body whose {@code network} is {@code "auto"}, with an
     * optional {@code search} object of {@code POST /searches}' budget fields): 202 with the search.
     */
    ResponseEntity<?> start(ObjectNode body);
}

package io.netforge.model;

import java.util.Optional;
import java.util.UUID;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.netforge.job.JobStatus;
import io.netforge.web.EventStreams;

/**
 * A model's progress as server-sent events ({@link EventStreams}): a {@code progress} event whenever its status,
 * iteration or loss changed, and a final {@code model} event with the whole model once it is SUCCEEDED, FAILED or
 * CANCELLED; a model deleted meanwhile ends its streams with a final {@code deleted} event.
 */
@Component
class ModelEvents implements EventStreams.Feed<ModelView> {

    /** What a {@code progress} event carries. */
    record ProgressEvent(JobStatus status, ModelView.Progress progress) {
    }

    private final ModelRepository models;
    private final EventStreams streams;

    ModelEvents(ModelRepository models, EventStreams streams) {
        this.models = models;
        this.streams = streams;
    }

    /** A stream for an existing model (404 otherwise), starting with its current state. */
    SseEmitter subscribe(UUID id, String client) {
        return streams.subscribe(this, id, client);
    }

    /** On this instance a deleted model's streams end at once; on others at their next tick. */
    @EventListener
    void onDeleted(ModelDeletedEvent event) {
        streams.deleted(this, event.id());
    }

    @Override
    public String kind() {
        return "model";
    }

    @Override
    public Optional<ModelView> find(UUID id) {
        return models.findView(id);
    }

    @Override
    public Object progress(ModelView model) {
        return new ProgressEvent(model.status(), model.progress());
    }

    @Override
    public boolean finished(ModelView model) {
        return model.status().isTerminal();
    }
}

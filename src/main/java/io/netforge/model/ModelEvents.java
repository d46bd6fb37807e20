package io.netforge.model;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Streams a model's progress as server-sent events: a {@code progress} event whenever its status,
 * iteration or loss changed since the last one (checked every {@link #PERIOD}), and a final {@code model}
 * event with the whole model once it is SUCCEEDED, FAILED or CANCELLED, after which the stream ends.
 * Reads the database, so it works on any instance, whichever one trains the model.
 */
@Component
class ModelEvents implements DisposableBean {

    static final Duration PERIOD = Duration.ofMillis(500);
    static final Duration MAX_STREAM = Duration.ofHours(6);

    /** What a {@code progress} event carries. */
    record ProgressEvent(ModelStatus status, ModelView.Progress progress) {
    }

    private final ModelRepository models;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "netforge-model-events");
        t.setDaemon(true);
        return t;
    });
    private final Map<SseEmitter, Subscription> subscriptions = new ConcurrentHashMap<>();

    private static final class Subscription {
        final UUID id;
        ProgressEvent last;

        Subscription(UUID id) {
            this.id = id;
        }
    }

    ModelEvents(ModelRepository models) {
        this.models = models;
        ticker.scheduleWithFixedDelay(this::tick, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A stream for an existing model (404 otherwise), starting with its current state. */
    SseEmitter subscribe(UUID id) {
        ModelView first = models.getView(id);
        SseEmitter emitter = new SseEmitter(MAX_STREAM.toMillis());
        Subscription subscription = new Subscription(id);
        emitter.onCompletion(() -> subscriptions.remove(emitter));
        emitter.onTimeout(() -> subscriptions.remove(emitter));
        emitter.onError(e -> subscriptions.remove(emitter));
        if (send(emitter, subscription, first)) {
            subscriptions.put(emitter, subscription);
        }
        return emitter;
    }

    private void tick() {
        subscriptions.forEach((emitter, subscription) -> {
            try {
                models.findView(subscription.id).ifPresentOrElse(
                        view -> {
                            if (!send(emitter, subscription, view)) {
                                subscriptions.remove(emitter);
                            }
                        },
                        () -> {
                            subscriptions.remove(emitter);
                            emitter.completeWithError(new IllegalStateException("model " + subscription.id + " was deleted"));
                        });
            } catch (RuntimeException e) {
                // A database hiccup: try again at the next tick.
            }
        });
    }

    /** Sends what changed; returns false once the stream is over. */
    private static boolean send(SseEmitter emitter, Subscription subscription, ModelView view) {
        ProgressEvent now = new ProgressEvent(view.status(), view.progress());
        try {
            if (!Objects.equals(now, subscription.last)) {
                subscription.last = now;
                emitter.send(SseEmitter.event().name("progress").data(now));
            }
            if (view.status().isTerminal()) {
                emitter.send(SseEmitter.event().name("model").data(view));
                emitter.complete();
                return false;
            }
            return true;
        } catch (IOException | IllegalStateException e) {
            // The client went away.
            emitter.completeWithError(e);
            return false;
        }
    }

    @Override
    public void destroy() {
        ticker.shutdownNow();
        subscriptions.keySet().forEach(SseEmitter::complete);
    }
}

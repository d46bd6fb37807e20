package io.netforge.model;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.netforge.job.JobStatus;
import io.netforge.problem.DomainException;

/**
 * Streams a model's progress as server-sent events: a {@code progress} event whenever its status,
 * iteration or loss changed since the last one (checked every {@link #PERIOD}), and a final {@code model}
 * event with the whole model once it is SUCCEEDED, FAILED or CANCELLED, after which the stream ends; a model
 * deleted meanwhile ends its streams with a final {@code deleted} event. Reads the database, so it works on any
 * instance, whichever one trains the model: once per model and tick, however many clients follow it.
 *
 * <p>A stream that has sent nothing for {@code netforge.events.keep-alive} (15 s) gets a comment line, so that
 * proxies do not close it as idle. When the service shuts down every stream ends at once (before the web server's
 * graceful shutdown, which would otherwise wait for them); an EventSource then reconnects, to another instance.
 */
@Component
class ModelEvents implements SmartLifecycle {

    static final Duration PERIOD = Duration.ofMillis(500);
    static final Duration MAX_STREAM = Duration.ofHours(6);

    /** What a {@code progress} event carries. */
    record ProgressEvent(JobStatus status, ModelView.Progress progress) {
    }

    /** What the final event of a deleted model's stream carries. */
    record DeletedEvent(UUID id, String status) {
    }

    private final ModelRepository models;
    private final long keepAliveNanos;
    private volatile ScheduledExecutorService ticker;
    private volatile boolean stopping;
    private final Map<SseEmitter, Subscription> subscriptions = new ConcurrentHashMap<>();

    private static final class Subscription {
        final UUID id;
        final String client;
        ProgressEvent last;
        long lastSent = System.nanoTime();

        Subscription(UUID id, String client) {
            this.id = id;
            this.client = client;
        }
    }

    private final int maxStreams;
    private final int maxStreamsPerClient;

    /**
     * @param maxStreams          streams this instance keeps open at once; past it 503 (each holds a connection, and
     *                            the container's connections are what health checks need too)
     * @param maxStreamsPerClient streams one client (an API key, else an address) keeps open at once; past it 429
     */
    ModelEvents(ModelRepository models, @Value("${netforge.events.keep-alive:15s}") Duration keepAlive,
            @Value("${netforge.events.max-streams:1000}") int maxStreams,
            @Value("${netforge.events.max-streams-per-client:20}") int maxStreamsPerClient) {
        this.models = models;
        this.keepAliveNanos = keepAlive.toNanos();
        this.maxStreams = maxStreams;
        this.maxStreamsPerClient = maxStreamsPerClient;
    }

    /**
     * A stream for an existing model (404 otherwise), starting with its current state; refused past the limits of
     * streams open at once (429 for one client's, 503 for this instance's), before it is opened.
     *
     * @param client who asks ({@link io.netforge.web.Clients})
     */
    SseEmitter subscribe(UUID id, String client) {
        ModelView first = models.getView(id);
        SseEmitter emitter = new SseEmitter(MAX_STREAM.toMillis());
        Subscription subscription = new Subscription(id, client);
        admit(emitter, subscription);
        emitter.onCompletion(() -> subscriptions.remove(emitter));
        emitter.onTimeout(() -> subscriptions.remove(emitter));
        emitter.onError(e -> subscriptions.remove(emitter));
        if (stopping) {
            emitter.complete(); // shutting down: the client reconnects elsewhere
            return emitter;
        }
        if (!send(emitter, subscription, first)) {
            subscriptions.remove(emitter);
        }
        return emitter;
    }

    /** Counts the stream in, or refuses it; one at a time, so the limits hold under a burst. */
    private synchronized void admit(SseEmitter emitter, Subscription subscription) {
        if (subscriptions.size() >= maxStreams) {
            throw DomainException.unavailable("this instance follows as many event streams as it keeps open ("
                    + maxStreams + ", netforge.events.max-streams); poll GET /models/{id} instead, or try again", 5);
        }
        long mine = subscriptions.values().stream().filter(s -> s.client.equals(subscription.client)).count();
        if (mine >= maxStreamsPerClient) {
            throw DomainException.tooManyRequests("this client has " + mine + " event streams open, the most one"
                    + " client may (netforge.events.max-streams-per-client); close one first", 5);
        }
        subscriptions.put(emitter, subscription);
    }

    void tick() {
        // one read per model followed, however many streams follow it
        Map<UUID, List<Map.Entry<SseEmitter, Subscription>>> byModel = new java.util.HashMap<>();
        subscriptions.entrySet().forEach(e -> byModel.computeIfAbsent(e.getValue().id, k -> new ArrayList<>()).add(e));
        long now = System.nanoTime();
        byModel.forEach((id, followers) -> {
            Optional<ModelView> view;
            try {
                view = models.findView(id);
            } catch (RuntimeException e) {
                keepAlive(followers, now); // a database hiccup: try again at the next tick
                return;
            }
            for (Map.Entry<SseEmitter, Subscription> follower : followers) {
                SseEmitter emitter = follower.getKey();
                if (view.isEmpty()) {
                    subscriptions.remove(emitter);
                    ended(emitter, id);
                } else if (!send(emitter, follower.getValue(), view.get())) {
                    subscriptions.remove(emitter);
                }
            }
            if (view.isPresent()) {
                keepAlive(followers, now);
            }
        });
    }

    /** On this instance a deleted model's streams end at once; on others at their next tick. */
    @EventListener
    void onDeleted(ModelDeletedEvent event) {
        subscriptions.forEach((emitter, subscription) -> {
            if (subscription.id.equals(event.id()) && subscriptions.remove(emitter) != null) {
                ended(emitter, event.id());
            }
        });
    }

    private static void ended(SseEmitter emitter, UUID id) {
        try {
            emitter.send(SseEmitter.event().name("deleted").data(new DeletedEvent(id, "DELETED")));
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        }
    }

    private void keepAlive(List<Map.Entry<SseEmitter, Subscription>> followers, long now) {
        for (Map.Entry<SseEmitter, Subscription> follower : followers) {
            Subscription subscription = follower.getValue();
            if (now - subscription.lastSent >= keepAliveNanos && subscriptions.containsKey(follower.getKey())) {
                try {
                    follower.getKey().send(SseEmitter.event().comment("keep-alive"));
                    subscription.lastSent = now;
                } catch (IOException | IllegalStateException e) {
                    subscriptions.remove(follower.getKey());
                    follower.getKey().completeWithError(e);
                }
            }
        }
    }

    /** Sends what changed; returns false once the stream is over. */
    private static boolean send(SseEmitter emitter, Subscription subscription, ModelView view) {
        ProgressEvent now = new ProgressEvent(view.status(), view.progress());
        try {
            if (!Objects.equals(now, subscription.last)) {
                subscription.last = now;
                emitter.send(SseEmitter.event().name("progress").data(now));
                subscription.lastSent = System.nanoTime();
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
    public void start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "netforge-model-events");
            t.setDaemon(true);
            return t;
        });
        started.scheduleWithFixedDelay(this::tick, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        ticker = started;
    }

    /** Ends every stream at once, so that none holds the web server's graceful shutdown. */
    @Override
    public void stop() {
        stopping = true;
        ScheduledExecutorService running = ticker;
        ticker = null;
        if (running != null) {
            running.shutdownNow();
        }
        subscriptions.keySet().forEach(emitter -> {
            subscriptions.remove(emitter);
            emitter.complete();
        });
    }

    @Override
    public boolean isRunning() {
        return ticker != null;
    }

    /** Stopped first: before the web server's graceful shutdown (phase {@code DEFAULT_PHASE - 1024}) waits. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}

package io.netforge.web;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.netforge.problem.DomainException;

/**
 * Server-sent event streams that follow a resource as the database has it (a model, a search), whichever instance
 * works on it: a {@code progress} event whenever its progress changed since the last one (checked every
 * {@link #PERIOD}), and a final event named after its kind with the whole resource once it has finished, after which
 * the stream ends; a resource deleted meanwhile ends its streams with a final {@code deleted} event. One read per
 * resource and tick, however many clients follow it.
 *
 * <p>A stream that has sent nothing for {@code netforge.events.keep-alive} (15 s) gets a comment line, so that
 * proxies do not close it as idle. When the service shuts down every stream ends at once (before the web server's
 * graceful shutdown, which would otherwise wait for them); an EventSource then reconnects, to another instance.
 * Streams are bounded per instance and per client, whatever they follow.
 */
@Component
public class EventStreams implements SmartLifecycle {

    public static final Duration PERIOD = Duration.ofMillis(500);
    static final Duration MAX_STREAM = Duration.ofHours(6);

    /** What one kind of resource's streams read and send. */
    public interface Feed<V> {

        /** The kind, as the final event is named ({@code model}, {@code search}) and 404s say. */
        String kind();

        /** The resource now, or empty once it is deleted. */
        Optional<V> find(UUID id);

        /** What a {@code progress} event carries; one is sent whenever it changes ({@code equals}). */
        Object progress(V resource);

        /** Whether the resource is done: its final event is sent and the stream ends. */
        boolean finished(V resource);

        /** What the final event carries: by default the resource as read. */
        default Object finalEvent(V resource) {
            return resource;
        }
    }

    /** What the final event of a deleted resource's stream carries. */
    public record DeletedEvent(UUID id, String status) {
    }

    private final long keepAliveNanos;
    private final int maxStreams;
    private final int maxStreamsPerClient;
    private volatile ScheduledExecutorService ticker;
    private volatile boolean stopping;
    private final Map<SseEmitter, Subscription> subscriptions = new ConcurrentHashMap<>();

    private record Followed(Feed<?> feed, UUID id) {
    }

    private static final class Subscription {
        final Followed followed;
        final String client;
        Object last;
        long lastSent = System.nanoTime();

        Subscription(Followed followed, String client) {
            this.followed = followed;
            this.client = client;
        }
    }

    /**
     * @param maxStreams          streams this instance keeps open at once; past it 503 (each holds a connection, and
     *                            the container's connections are what health checks need too)
     * @param maxStreamsPerClient streams one client (an API key, else an address) keeps open at once; past it 429
     */
    EventStreams(@Value("${netforge.events.keep-alive:15s}") Duration keepAlive,
            @Value("${netforge.events.max-streams:1000}") int maxStreams,
            @Value("${netforge.events.max-streams-per-client:20}") int maxStreamsPerClient) {
        this.keepAliveNanos = keepAlive.toNanos();
        this.maxStreams = maxStreams;
        this.maxStreamsPerClient = maxStreamsPerClient;
    }

    /**
     * A stream for an existing resource (404 otherwise), starting with its current state; refused past the limits of
     * streams open at once (429 for one client's, 503 for this instance's), before it is opened.
     *
     * @param client who asks ({@link Clients})
     */
    public <V> SseEmitter subscribe(Feed<V> feed, UUID id, String client) {
        V first = feed.find(id).orElseThrow(() -> DomainException.notFound(feed.kind(), id));
        SseEmitter emitter = new SseEmitter(MAX_STREAM.toMillis());
        Subscription subscription = new Subscription(new Followed(feed, id), client);
        admit(emitter, subscription);
        emitter.onCompletion(() -> subscriptions.remove(emitter));
        emitter.onTimeout(() -> subscriptions.remove(emitter));
        emitter.onError(e -> subscriptions.remove(emitter));
        if (stopping) {
            emitter.complete(); // shutting down: the client reconnects elsewhere
            return emitter;
        }
        if (!send(emitter, subscription, feed, first)) {
            subscriptions.remove(emitter);
        }
        return emitter;
    }

    /** Ends the streams that follow a resource deleted on this instance at once (on others, at their next tick). */
    public void deleted(Feed<?> feed, UUID id) {
        Followed followed = new Followed(feed, id);
        subscriptions.forEach((emitter, subscription) -> {
            if (subscription.followed.equals(followed) && subscriptions.remove(emitter) != null) {
                ended(emitter, id);
            }
        });
    }

    /** Counts the stream in, or refuses it; one at a time, so the limits hold under a burst. */
    private synchronized void admit(SseEmitter emitter, Subscription subscription) {
        if (subscriptions.size() >= maxStreams) {
            throw DomainException.unavailable("this instance follows as many event streams as it keeps open ("
                    + maxStreams + ", netforge.events.max-streams); poll GET /" + subscription.followed.feed().kind()
                    + "s/{id} instead, or try again", 5);
        }
        long mine = subscriptions.values().stream().filter(s -> s.client.equals(subscription.client)).count();
        if (mine >= maxStreamsPerClient) {
            throw DomainException.tooManyRequests("this client has " + mine + " event streams open, the most one"
                    + " client may (netforge.events.max-streams-per-client); close one first", 5);
        }
        subscriptions.put(emitter, subscription);
    }

    void tick() {
        // one read per resource followed, however many streams follow it
        Map<Followed, List<Map.Entry<SseEmitter, Subscription>>> byResource = new HashMap<>();
        subscriptions.entrySet().forEach(e -> byResource.computeIfAbsent(e.getValue().followed,
                k -> new ArrayList<>()).add(e));
        long now = System.nanoTime();
        byResource.forEach((followed, followers) -> tick(followed, followers, now));
    }

    private <V> void tick(Followed followed, List<Map.Entry<SseEmitter, Subscription>> followers, long now) {
        @SuppressWarnings("unchecked")
        Feed<V> feed = (Feed<V>) followed.feed();
        Optional<V> resource;
        try {
            resource = feed.find(followed.id());
        } catch (RuntimeException e) {
            keepAlive(followers, now); // a database hiccup: try again at the next tick
            return;
        }
        for (Map.Entry<SseEmitter, Subscription> follower : followers) {
            SseEmitter emitter = follower.getKey();
            if (resource.isEmpty()) {
                subscriptions.remove(emitter);
                ended(emitter, followed.id());
            } else if (!send(emitter, follower.getValue(), feed, resource.get())) {
                subscriptions.remove(emitter);
            }
        }
        if (resource.isPresent()) {
            keepAlive(followers, now);
        }
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
    private static <V> boolean send(SseEmitter emitter, Subscription subscription, Feed<V> feed, V resource) {
        Object now = feed.progress(resource);
        try {
            if (!Objects.equals(now, subscription.last)) {
                subscription.last = now;
                emitter.send(SseEmitter.event().name("progress").data(now));
                subscription.lastSent = System.nanoTime();
            }
            if (feed.finished(resource)) {
                emitter.send(SseEmitter.event().name(feed.kind()).data(feed.finalEvent(resource)));
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
            Thread t = new Thread(r, "netforge-events");
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

package io.netforge.prediction;

import java.util.UUID;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netforge.model.ModelDeletedEvent;
import io.netforge.model.ModelRepository;

/**
 * Fitted models held in memory, so that {@code /predict} reads a model from the database once, not per
 * request. Caffeine loads each model once however many requests ask for it at the same time, bounds the
 * entries, and re-checks in the background, {@code revalidate-after} after loading, that a cached model
 * still exists, so a model deleted through another instance stops being served shortly after.
 * Evicted models are not closed: a request may still be using one; the garbage collector frees them.
 */
@Component
class ModelCache {

    /** The {@code model} label of {@code netforge_predict_rows_total} past {@link #maxModelLabels} names. */
    static final String OTHER = "(other)";

    private final LoadingCache<UUID, LoadedModel> cache;
    private final MeterRegistry registry;
    private final int maxModelLabels;
    private final java.util.Set<String> labels = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param maxModelLabels model names that get a {@code model} label of their own in
     *                       {@code netforge_predict_rows_total}; the rows of every other name count as {@value #OTHER},
     *                       so the metrics do not grow with every model ever predicted
     */
    ModelCache(ModelRepository models, PredictionProperties properties, MeterRegistry registry,
            @org.springframework.beans.factory.annotation.Value("${netforge.metrics.max-model-labels:100}")
            int maxModelLabels) {
        this.registry = registry;
        this.maxModelLabels = maxModelLabels;
        this.cache = Caffeine.newBuilder()
                .maximumSize(properties.cacheSize())
                .refreshAfterWrite(properties.revalidateAfter())
                .recordStats()
                .build(new CacheLoader<>() {
                    @Override
                    public LoadedModel load(UUID id) {
                        return models.findArtifact(id).map(stored -> new LoadedModel(stored, rows(stored)))
                                .orElse(null);
                    }

                    @Override
                    public LoadedModel reload(UUID id, LoadedModel old) {
                        // A fitted model never changes; it can only disappear.
                        return models.exists(id) ? old : null;
                    }
                });
        Gauge.builder("netforge.model.cache.size", cache, c -> c.estimatedSize())
                .description("Fitted models held in memory").register(registry);
        FunctionCounter.builder("netforge.model.cache.requests", cache, c -> c.stats().hitCount())
                .description("Model lookups by /predict and the other protocols").tag("result", "hit").register(registry);
        FunctionCounter.builder("netforge.model.cache.requests", cache, c -> c.stats().missCount())
                .description("Model lookups by /predict and the other protocols").tag("result", "miss").register(registry);
    }

    /** The SUCCEEDED model with this id, or null when there is none (unknown, unfinished or deleted). */
    LoadedModel get(UUID id) {
        return cache.get(id);
    }

    /** The counter of a model's predicted rows: by its name, one of the first {@link #maxModelLabels}, else other. */
    private Counter rows(io.netforge.model.StoredModel stored) {
        return Counter.builder("netforge.predict.rows").description("Rows predicted, by model name (the first"
                + " netforge.metrics.max-model-labels names; the rest as (other))").tag("model", label(stored.document().name()))
                .register(registry);
    }

    /** A name's label: itself while fewer than {@link #maxModelLabels} names have one, else {@value #OTHER}. */
    synchronized String label(String name) {
        return labels.contains(name) || (labels.size() < maxModelLabels && labels.add(name)) ? name : OTHER;
    }

    @EventListener
    void onDeleted(ModelDeletedEvent event) {
        cache.invalidate(event.id());
    }
}

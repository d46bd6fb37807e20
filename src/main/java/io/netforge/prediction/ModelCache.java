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

    private final LoadingCache<UUID, LoadedModel> cache;
    private final MeterRegistry registry;

    ModelCache(ModelRepository models, PredictionProperties properties, MeterRegistry registry) {
        this.registry = registry;
        this.cache = Caffeine.newBuilder()
                .maximumSize(properties.cacheSize())
                .refreshAfterWrite(properties.revalidateAfter())
                .recordStats()
                .build(new CacheLoader<>() {
                    @Override
                    public LoadedModel load(UUID id) {
                        return models.findArtifact(id).map(stored -> new LoadedModel(stored,
                                Counter.builder("netforge.predict.rows").description("Rows predicted, by model")
                                        .tag("model", id.toString()).register(registry))).orElse(null);
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

    @EventListener
    void onDeleted(ModelDeletedEvent event) {
        cache.invalidate(event.id());
        // its rows counter goes with it: the metrics do not grow with every model ever deleted
        registry.find("netforge.predict.rows").tag("model", event.id().toString()).meters().forEach(registry::remove);
    }
}

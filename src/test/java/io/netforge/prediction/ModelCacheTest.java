package io.netforge.prediction;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The predicted-rows metric is labelled by a bounded set of model names, so a scrape cannot grow without bound. */
class ModelCacheTest {

    @Test
    void labelsTheFirstNamesAndTheRestAsOther() {
        ModelCache cache = new ModelCache(null, new PredictionProperties(10, 4, Duration.ofSeconds(5)),
                new SimpleMeterRegistry(), 2);
        assertThat(cache.label("churn")).isEqualTo("churn");
        assertThat(cache.label("houses")).isEqualTo("houses");
        assertThat(cache.label("penguins")).isEqualTo(ModelCache.OTHER);
        assertThat(cache.label("churn")).isEqualTo("churn");
        for (int i = 0; i < 10_000; i++) {
            assertThat(cache.label("run " + i)).isEqualTo(ModelCache.OTHER);
        }
    }
}

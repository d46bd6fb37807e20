package io.netforge.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rungs against scikit-learn's own: {@code reference/halving/schedules.json} holds what
 * {@code HalvingRandomSearchCV} left in {@code n_resources_}, {@code n_candidates_} and its other attributes for
 * eighteen settings (made by {@code src/test/python/halving_fixtures.py}).
 */
class HalvingScheduleTest {

    private static JsonNode fixture() {
        try (InputStream in = HalvingScheduleTest.class.getResourceAsStream("/reference/halving/schedules.json")) {
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyScheduleIsScikitLearns() {
        JsonNode cases = fixture().get("cases");
        assertThat(cases.size()).isGreaterThanOrEqualTo(18);
        for (JsonNode c : cases) {
            JsonNode min = c.get("minResources");
            HalvingSchedule.MinResources minResources = min.isNumber() ? new HalvingSchedule.MinResources.Given(min.asLong())
                    : min.asString().equals("smallest") ? new HalvingSchedule.MinResources.Smallest()
                    : new HalvingSchedule.MinResources.Exhaust();
            JsonNode candidates = c.get("candidates");
            HalvingSchedule s = HalvingSchedule.of(c.get("factor").asDouble(), minResources, c.get("maxResources").asLong(),
                    candidates.isNumber() ? candidates.asInt() : null, c.get("aggressiveElimination").asBoolean());
            String setting = c.toString();
            assertThat(s.resources()).as(setting).isEqualTo(longs(c.get("n_resources_")));
            assertThat(s.candidates()).as(setting).isEqualTo(ints(c.get("n_candidates_")));
            assertThat(s.minResources()).as(setting).isEqualTo(c.get("min_resources_").asLong());
            assertThat(s.maxResources()).as(setting).isEqualTo(c.get("max_resources_").asLong());
            assertThat(s.required()).as(setting).isEqualTo(c.get("n_required_iterations_").asInt());
            assertThat(s.possible()).as(setting).isEqualTo(c.get("n_possible_iterations_").asInt());
            assertThat(s.rungs()).as(setting).isEqualTo(c.get("n_iterations_").asInt());
        }
    }

    @Test
    void theDefaultBudgetByHand() {
        // 81 epochs at most, 3 at first, a third kept: 27 candidates x 3, 9 x 9, 3 x 27, 1 x 81 = 324 epochs
        HalvingSchedule s = HalvingSchedule.of(3, new HalvingSchedule.MinResources.Given(3), 81, null, false);
        assertThat(s.resources()).containsExactly(3L, 9L, 27L, 81L);
        assertThat(s.candidates()).containsExactly(27, 9, 3, 1);
        assertThat(s.runs()).isEqualTo(40);
        assertThat(s.epochs()).isEqualTo(324);
    }

    @Test
    void refusesWhatScikitLearnRefuses() {
        assertThatThrownBy(() -> HalvingSchedule.of(3, new HalvingSchedule.MinResources.Exhaust(), 81, null, false))
                .hasMessageContaining("cannot both be 'exhaust'");
        assertThatThrownBy(() -> HalvingSchedule.of(1, new HalvingSchedule.MinResources.Smallest(), 81, null, false))
                .hasMessageContaining("factor");
        assertThatThrownBy(() -> HalvingSchedule.of(3, new HalvingSchedule.MinResources.Given(100), 81, null, false))
                .hasMessageContaining("minResources");
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asLong()));
        return out;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asInt()));
        return out;
    }
}

package io.netforge.tabular;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.netforge.problem.DomainException;
import tools.jackson.databind.node.JsonNodeFactory;

/** Values sent to predict for the feature kinds of real tables: percentages and boolean words. */
class FeatureValuesTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    void aNumericFeatureTakesAPercentageAsItsPercentPoints() {
        NumericFeature rate = new NumericFeature("rate", 0.0, false);
        assertThat(rate.fromText("12%", "rate", false)).isEqualTo(12.0);
        assertThat(rate.fromText("-0.5%", "rate", false)).isEqualTo(-0.5);
        assertThat(rate.fromJson(JSON.stringNode("7.25%"), "rate", false)).isEqualTo(7.25);
        assertThat(rate.fromJson(JSON.numberNode(12), "rate", false)).isEqualTo(12.0);
        assertThatThrownBy(() -> rate.fromText("12%%", "rate", false)).isInstanceOf(DomainException.class)
                .hasMessageContaining("rate");
        assertThatThrownBy(() -> rate.fromJson(JSON.stringNode("12"), "rate", false))
                .isInstanceOf(DomainException.class).hasMessageContaining("must be a number");
    }

    @Test
    void aBooleanFeatureTakesTheWordsInAnyCaseAndOneAndZero() {
        BooleanFeature member = new BooleanFeature("member", 0.25, true);
        for (String yes : new String[] {"true", "YES", "t", "Y", "1"}) {
            assertThat(member.fromText(yes, "member", false)).as(yes).isEqualTo(1.0);
        }
        for (String no : new String[] {"False", "no", "F", "n", "0"}) {
            assertThat(member.fromText(no, "member", false)).as(no).isEqualTo(0.0);
        }
        assertThat(member.fromJson(JSON.booleanNode(true), "member", false)).isEqualTo(1.0);
        assertThat(member.fromJson(JSON.nullNode(), "member", false)).isNaN();
        assertThatThrownBy(() -> member.fromJson(JSON.numberNode(2), "rows[0].member", false))
                .isInstanceOf(DomainException.class).hasMessageContaining("rows[0].member")
                .hasMessageContaining("must be a boolean");
        double[] inputs = new double[2];
        member.encode(Double.NaN, inputs, 0);
        assertThat(inputs).containsExactly(0.25, 1.0);
        member.encode(1.0, inputs, 0);
        assertThat(inputs).containsExactly(1.0, 0.0);
    }
}

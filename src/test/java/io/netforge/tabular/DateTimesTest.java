package io.netforge.tabular;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.netforge.problem.DomainException;

/** Dates as text and the seconds kept of them, against seconds computed with Python's datetime (UTC). */
class DateTimesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "2012-01-01; iso; 1325376000",
            "2012-01-01T11:45; iso; 1325418300",
            "2012-01-01 11:45:00; iso; 1325418300",
            "2012-01-01T13:45:00+02:00; iso; 1325418300",
            "2012-01-01T11:45:00Z; iso; 1325418300",
            "2012-01-01 11:45:00.5; iso; 1325418300.5",
            "2012/01/31 08:00; ymd-slash; 1327996800",
            "Jan 12 1998; mon-d-yyyy; 884563200",
            "jan 12, 1998; mon-d-yyyy; 884563200",
            "12 Jan 1998; d-mon-yyyy; 884563200"})
    void readsTheUnambiguousFormatsAsSecondsSince1970(String text, String format, double seconds) {
        DateTimes.Format detected = DateTimes.detect(text);
        assertThat(detected).as(text).isNotNull();
        assertThat(detected.id()).isEqualTo(format);
        assertThat(DateTimes.seconds(text, detected)).isEqualTo(seconds);
        assertThat(DateTimes.seconds(text, null)).isEqualTo(seconds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2012-02-30", "2012-13-01", "01/02/2012", "2012", "12.5", "hello", "2012-01-01T25:00",
            "Foo 12 1998", "2012-1-1"})
    void isNotFooledByWhatIsNotAnUnambiguousDate(String text) {
        assertThat(DateTimes.detect(text)).isNull();
    }

    @Test
    void aNamedPatternReadsDayFirstDates() {
        DateTimes.Format dayFirst = DateTimes.pattern("dd/MM/yyyy");
        assertThat(DateTimes.seconds("31/01/2012", dayFirst)).isEqualTo(1327968000);
        assertThat(DateTimes.seconds("2012-01-31", dayFirst)).isNaN(); // only its own pattern
        assertThat(DateTimes.byId(dayFirst.id()).id()).isEqualTo("pattern:dd/MM/yyyy");
        assertThat(DateTimes.iso(1325418300.5)).isEqualTo("2012-01-01T11:45:00.500Z");
    }

    /** 2012-03-15 13:30 UTC is a Thursday (4), day 75 of the year: the parts, by hand. */
    @Test
    void aDateFeatureEncodesTheCalendarParts() {
        double seconds = DateTimes.seconds("2012-03-15 13:30", null);
        double[] training = {seconds, seconds - 10 * 86_400, Double.NaN};
        DateFeature f = DateFeature.fit("when", "iso", training, PreprocessingSpec.DEFAULT);
        assertThat(f.hours()).isTrue();
        assertThat(f.origin()).isEqualTo(seconds - 10 * 86_400);
        assertThat(f.inputNames()).containsExactly("when.year", "when.month", "when.day", "when.weekday",
                "when.dayOfYear", "when.hour", "when.monthSin", "when.monthCos", "when.weekdaySin", "when.weekdayCos",
                "when.elapsedDays");
        double[] out = new double[f.width()];
        f.encode(seconds, out, 0);
        assertThat(out).containsExactly(new double[] {2012, 3, 15, 4, 75, 13.5, Math.sin(Math.PI / 3),
                Math.cos(Math.PI / 3), Math.sin(2 * Math.PI * 3 / 7), Math.cos(2 * Math.PI * 3 / 7), 10},
                org.assertj.core.data.Offset.offset(1e-12));
        // missing: the training rows' mean, whose parts it then has
        f.encode(Double.NaN, out, 0);
        assertThat(out[10]).isEqualTo(5.0);
        assertThat(f.fromText("Mar 15 2012", "rows[0].when", false)).isEqualTo(seconds - 13.5 * 3600);
        assertThatThrownBy(() -> f.fromText("15/03/2012", "rows[0].when", false)).isInstanceOf(DomainException.class)
                .hasMessageContaining("rows[0].when").hasMessageContaining("must be a date");
        assertThat(List.of(DateFeature.fit("d", "iso", new double[] {0, 86_400}, PreprocessingSpec.DEFAULT).width()))
                .containsExactly(10); // midnight only: no hour
    }
}

package io.netforge.tabular;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Dates and date-times as text, and the one number netforge keeps of them: seconds since 1970-01-01T00:00 UTC
 * (with a fraction for sub-second times). A value with an offset ({@code Z}, {@code +01:00}) is that instant; one
 * without is read as UTC wall-clock time (no time zone is guessed).
 *
 * <p>The formats recognised without being named are the unambiguous ones ({@link #FORMATS}): ISO 8601 dates and
 * date-times ({@code 2012-01-01}, {@code 2012-01-01T13:45}, {@code 2012-01-01 13:45:00.5}, {@code ...+02:00}),
 * the same with slashes ({@code 2012/01/01}), and English month names ({@code Jan 12 1998}, {@code Jan 12, 1998},
 * {@code 12 Jan 1998}). Day-first or month-first numbers ({@code 01/02/2012}) are ambiguous: an upload names their
 * pattern ({@code dates=col:dd/MM/yyyy}, {@link DateTimeFormatter} letters), which is then the column's format.
 */
public final class DateTimes {

    /** A format a column's dates were read with: a built-in one's id, or {@code pattern:<letters>}. */
    public record Format(String id, DateTimeFormatter formatter, Pattern shape) {

        /** The seconds of a value in this format, or NaN when it is not one. */
        public double seconds(String text) {
            if (shape != null && !shape.matcher(text).matches()) {
                return Double.NaN;
            }
            try {
                return DateTimes.seconds(formatter.parse(text));
            } catch (DateTimeException e) {
                return Double.NaN;
            }
        }
    }

    private static final String PATTERN_PREFIX = "pattern:";

    /** The built-in formats, tried in this order. */
    static final List<Format> FORMATS = List.of(
            builtIn("iso", "\\d{4}-\\d{2}-\\d{2}([T ].*)?", "-"),
            builtIn("ymd-slash", "\\d{4}/\\d{2}/\\d{2}([T ].*)?", "/"),
            named("mon-d-yyyy", "[A-Za-z]{3,9}\\.? \\d{1,2},? \\d{4}", "MMM d[,] uuuu"),
            named("d-mon-yyyy", "\\d{1,2} [A-Za-z]{3,9}\\.? \\d{4}", "d MMM uuuu"));

    private DateTimes() {
    }

    /** Year-month-day with this separator, then optionally a time ('T' or a space) and an offset. */
    private static Format builtIn(String id, String shape, String separator) {
        DateTimeFormatter time = new DateTimeFormatterBuilder().appendValue(ChronoField.HOUR_OF_DAY, 2)
                .appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
                .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
                .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd().optionalEnd()
                .toFormatter(Locale.ROOT);
        DateTimeFormatter formatter = new DateTimeFormatterBuilder().parseCaseInsensitive()
                .appendValue(ChronoField.YEAR, 4).appendLiteral(separator)
                .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral(separator)
                .appendValue(ChronoField.DAY_OF_MONTH, 2)
                .optionalStart().appendLiteral('T').append(time).optionalEnd()
                .optionalStart().appendLiteral(' ').append(time).optionalEnd()
                .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
                .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
                .toFormatter(Locale.ROOT).withResolverStyle(ResolverStyle.STRICT)
                .withChronology(java.time.chrono.IsoChronology.INSTANCE);
        return new Format(id, formatter, Pattern.compile(shape));
    }

    private static Format named(String id, String shape, String pattern) {
        DateTimeFormatter formatter = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                .toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT);
        return new Format(id, formatter, Pattern.compile(shape));
    }

    /** The first built-in format {@code text} is a date in, or null. */
    public static Format detect(String text) {
        for (Format format : FORMATS) {
            if (!Double.isNaN(format.seconds(text))) {
                return format;
            }
        }
        return null;
    }

    /**
     * The format of a pattern an upload names ({@link DateTimeFormatter} letters, e.g. {@code dd/MM/yyyy}).
     *
     * @throws IllegalArgumentException when the pattern is not valid
     */
    public static Format pattern(String letters) {
        DateTimeFormatter formatter = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(letters)
                .toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.SMART);
        return new Format(PATTERN_PREFIX + letters, formatter, null);
    }

    /** The format with this id (a built-in one, or {@code pattern:...}). */
    public static Format byId(String id) {
        if (id.startsWith(PATTERN_PREFIX)) {
            return pattern(id.substring(PATTERN_PREFIX.length()));
        }
        return FORMATS.stream().filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown date format " + id));
    }

    /**
     * The seconds of a value: in {@code format} when it is a named pattern, else in any built-in format; NaN when it
     * is not a date.
     */
    public static double seconds(String text, Format format) {
        if (format != null && format.id().startsWith(PATTERN_PREFIX)) {
            return format.seconds(text);
        }
        Format found = detect(text);
        return found == null ? Double.NaN : found.seconds(text);
    }

    private static double seconds(TemporalAccessor parsed) {
        LocalDate date = LocalDate.from(parsed);
        LocalTime time = parsed.isSupported(ChronoField.HOUR_OF_DAY) ? LocalTime.from(parsed) : LocalTime.MIDNIGHT;
        ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(parsed) : ZoneOffset.UTC;
        long whole = LocalDateTime.of(date, time).toEpochSecond(offset);
        return whole + time.getNano() / 1e9;
    }

    /** A number of seconds as ISO 8601 UTC text ({@code 2012-01-01T13:45:00Z}), for descriptions. */
    public static String iso(double seconds) {
        long whole = (long) Math.floor(seconds);
        int nanos = (int) Math.round((seconds - whole) * 1e9);
        return java.time.Instant.ofEpochSecond(whole, Math.min(nanos, 999_999_999)).toString();
    }

    /** The date and wall-clock time (UTC) of a number of seconds. */
    static LocalDateTime dateTime(double seconds) {
        long whole = (long) Math.floor(seconds);
        int nanos = (int) Math.min(999_999_999, Math.round((seconds - whole) * 1e9));
        return LocalDateTime.ofEpochSecond(whole, nanos, ZoneOffset.UTC);
    }
}

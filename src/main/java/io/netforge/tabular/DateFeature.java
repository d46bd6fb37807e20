package io.netforge.tabular;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.netforge.problem.DomainException;
import tools.jackson.databind.JsonNode;

/**
 * A date or date-time feature: its raw value is seconds since 1970-01-01T00:00 UTC ({@link DateTimes}), NaN when
 * missing, and its inputs are the parts a network can learn from, named {@code <name>.<part>}: year, month (1-12),
 * day of month, weekday (1 = Monday .. 7), day of year, the hour with minutes as a fraction (only when the training
 * rows' times vary), month and weekday on the circle (sin and cos, so December sits next to January), and days
 * elapsed since the earliest training row. A missing date is filled with the training rows' median (or mean, or
 * the constant seconds the preprocessing names) before its parts are taken; an indicator follows when asked.
 *
 * @param format    the format of the column's dates at upload; a named pattern is also what predict requests use,
 *                  a built-in one lets them send any built-in format
 * @param origin    the earliest training row's seconds: elapsed days count from it
 * @param fill      the seconds a missing date gets
 * @param hours     whether the hour is an input (the training rows' times were not all midnight)
 * @param indicator whether a 0/1 "was missing" input follows the parts
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "type", "format", "origin", "fill", "hours", "indicator"})
public record DateFeature(String name, String format, double origin, double fill, boolean hours, boolean indicator)
        implements Feature {

    private static final double DAY = 86_400;

    static DateFeature fit(String name, String format, double[] seconds, PreprocessingSpec spec) {
        double[] present = new double[seconds.length];
        int n = 0;
        boolean hours = false;
        double origin = Double.POSITIVE_INFINITY;
        for (double v : seconds) {
            if (!Double.isNaN(v)) {
                present[n++] = v;
                origin = Math.min(origin, v);
                hours |= Math.floorMod((long) Math.floor(v), (long) DAY) != 0;
            }
        }
        double fill = EncodingFit.fill(name, Arrays.copyOf(present, n), spec);
        return new DateFeature(name, format, origin, fill, hours, spec.missingIndicators() && n < seconds.length);
    }

    @Override
    public ColumnKind kind() {
        return ColumnKind.DATETIME;
    }

    private int parts() {
        return hours ? 11 : 10;
    }

    @Override
    public int width() {
        return parts() + (indicator ? 1 : 0);
    }

    @Override
    public List<String> inputNames() {
        List<String> names = new ArrayList<>(List.of(name + ".year", name + ".month", name + ".day",
                name + ".weekday", name + ".dayOfYear"));
        if (hours) {
            names.add(name + ".hour");
        }
        names.addAll(List.of(name + ".monthSin", name + ".monthCos", name + ".weekdaySin", name + ".weekdayCos",
                name + ".elapsedDays"));
        if (indicator) {
            names.add(name + "=" + Encoding.MISSING_NAME);
        }
        return names;
    }

    /** Every part is a value to scale; the indicator is not. */
    @Override
    public int scaledInputs() {
        return parts();
    }

    @Override
    public boolean identity() {
        return false;
    }

    @Override
    public void encode(double raw, double[] out, int at) {
        boolean missing = Double.isNaN(raw);
        double seconds = missing ? fill : raw;
        LocalDateTime t = DateTimes.dateTime(seconds);
        int month = t.getMonthValue();
        int weekday = t.getDayOfWeek().getValue();
        int i = at;
        out[i++] = t.getYear();
        out[i++] = month;
        out[i++] = t.getDayOfMonth();
        out[i++] = weekday;
        out[i++] = t.getDayOfYear();
        if (hours) {
            out[i++] = t.getHour() + t.getMinute() / 60.0 + t.getSecond() / 3600.0;
        }
        out[i++] = Math.sin(2 * Math.PI * (month - 1) / 12);
        out[i++] = Math.cos(2 * Math.PI * (month - 1) / 12);
        out[i++] = Math.sin(2 * Math.PI * (weekday - 1) / 7);
        out[i++] = Math.cos(2 * Math.PI * (weekday - 1) / 7);
        out[i++] = (seconds - origin) / DAY;
        if (indicator) {
            out[i] = missing ? 1 : 0;
        }
    }

    /**
     * The parts a date's partial dependence moves one at a time ({@link #withPart}): year, month, weekday, and the hour
     * when the training rows' times vary.
     */
    public List<String> movableParts() {
        return hours ? List.of("year", "month", "weekday", "hour") : List.of("year", "month", "weekday");
    }

    /** A part of a raw value (a missing date's fill's): the year, month (1-12), weekday (1 = Monday) or hour. */
    public int part(double raw, String part) {
        LocalDateTime t = DateTimes.dateTime(Double.isNaN(raw) ? fill : raw);
        return switch (part) {
            case "year" -> t.getYear();
            case "month" -> t.getMonthValue();
            case "weekday" -> t.getDayOfWeek().getValue();
            case "hour" -> t.getHour();
            default -> throw new IllegalArgumentException("no part " + part);
        };
    }

    /**
     * The same date with one part set, the rest kept as far as the calendar allows: another year or month keeps the
     * day of month (the 31st becomes the month's last day), another weekday is the same week's (Monday to Sunday),
     * another hour the same day's; a missing date is its fill's.
     */
    public double withPart(double raw, String part, int value) {
        LocalDateTime t = DateTimes.dateTime(Double.isNaN(raw) ? fill : raw);
        LocalDateTime moved = switch (part) {
            case "year" -> t.withYear(value);
            case "month" -> t.withMonth(value);
            case "weekday" -> t.plusDays(value - t.getDayOfWeek().getValue());
            case "hour" -> t.withHour(value);
            default -> throw new IllegalArgumentException("no part " + part);
        };
        return moved.toEpochSecond(java.time.ZoneOffset.UTC) + moved.getNano() / 1e9;
    }

    @Override
    public boolean reads(ColumnKind column) {
        return column == ColumnKind.DATETIME;
    }

    @Override
    public DoubleUnaryOperator reader(List<Encoding.Level> levels) {
        return null; // a date column's cells are its seconds
    }

    @Override
    public double fromJson(JsonNode value, String field, boolean strict) {
        if (value == null || value.isNull()) {
            return Double.NaN;
        }
        if (!value.isString()) {
            throw refused(field, Feature.brief(value.toString()));
        }
        return fromText(value.asString(), field, strict);
    }

    @Override
    public double fromText(String text, String field, boolean strict) {
        double seconds = DateTimes.seconds(text.strip(), DateTimes.byId(format));
        if (Double.isNaN(seconds)) {
            throw refused(field, Feature.brief(tools.jackson.databind.node.JsonNodeFactory.instance
                    .stringNode(text).toString()));
        }
        return seconds;
    }

    private DomainException refused(String field, String got) {
        String expected = format.startsWith("pattern:") ? "in the pattern " + format.substring("pattern:".length())
                : "such as 2012-01-31, 2012-01-31T13:45:00, 2012/01/31 or Jan 31 2012";
        return DomainException.invalidField(field, "must be a date as text, " + expected + " (or null when missing);"
                + " got " + got);
    }

    @Override
    public double missing(String field, boolean strict) {
        return Double.NaN;
    }

    @Override
    public boolean unknown(double raw) {
        return false;
    }

    @Override
    public boolean textual() {
        return true;
    }
}

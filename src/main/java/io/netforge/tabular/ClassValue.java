package io.netforge.tabular;

/**
 * A label class as uploaded; {@code numeric} classes are answered as JSON numbers.
 *
 * @param value its text (a number's in plain decimal form)
 */
public record ClassValue(String value, boolean numeric) {

    /** The value for a JSON answer: a number (as written, e.g. {@code 1} or {@code 0.5}) when numeric, else text. */
    public Object json() {
        return numeric ? new java.math.BigDecimal(value) : value;
    }
}

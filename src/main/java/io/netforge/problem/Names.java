package io.netforge.problem;

/**
 * The rule every name a client gives follows (datasets, models, experiments, imported models): 1 to
 * {@value #MAX_LENGTH} characters after stripping, none of the characters references are built from ({@code @}
 * joins a model's name and alias, {@code /} separates a path) and no control characters (U+0000..U+001F, U+007F..U+009F,
 * line and paragraph separators), which break plots, logs and CSV answers.
 */
public final class Names {

    public static final int MAX_LENGTH = 200;

    private Names() {
    }

    /**
     * A name a client gave, stripped.
     *
     * @throws DomainException 400 naming {@code field} and what is wrong
     */
    public static String check(String field, String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty() || stripped.length() > MAX_LENGTH) {
            throw DomainException.invalidField(field, "must be 1 to " + MAX_LENGTH + " characters, got "
                    + stripped.length());
        }
        for (int i = 0; i < stripped.length(); i++) {
            char c = stripped.charAt(i);
            if (c == '@' || c == '/') {
                throw DomainException.invalidField(field, "must not contain '" + c + "' (at position " + i
                        + "): references to models are built from '@' and '/'");
            }
            if (forbidden(c)) {
                throw DomainException.invalidField(field, String.format("must not contain control characters"
                        + " (U+%04X at position %d)", (int) c, i));
            }
        }
        return stripped;
    }

    /**
     * A name made from other text (an uploaded file's name): its forbidden characters as '_', cut to
     * {@value #MAX_LENGTH} characters; null when nothing is left.
     */
    public static String derive(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder name = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            name.append(c == '@' || c == '/' || forbidden(c) ? '_' : c);
        }
        String stripped = name.toString().strip();
        if (stripped.isEmpty()) {
            return null;
        }
        return stripped.length() <= MAX_LENGTH ? stripped : stripped.substring(0, MAX_LENGTH).strip();
    }

    private static boolean forbidden(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}

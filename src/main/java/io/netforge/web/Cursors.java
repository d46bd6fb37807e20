package io.netforge.web;

import io.netforge.problem.DomainException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Opaque cursors of the lists ({@code GET /models?after=}, {@code GET /datasets?after=}): the position of a page's
 * last item, as base64url text that clients pass back unchanged, and the {@code Link: <...>; rel="next"} header
 * (RFC 8288) that carries the next page's address.
 */
public final class Cursors {

    private Cursors() {
    }

    /** A cursor of a kind (so a model cursor is refused by the dataset list) and its parts. */
    public static String encode(String kind, Object... parts) {
        StringBuilder text = new StringBuilder(kind);
        for (Object part : parts) {
            text.append('|').append(part);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The parts of a cursor of {@code kind} with {@code count} parts.
     *
     * @throws DomainException 400 naming {@code after} for anything else
     */
    public static List<String> decode(String cursor, String kind, int count) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            List<String> parts = List.of(text.split("\\|", -1));
            if (parts.size() == count + 1 && parts.get(0).equals(kind)) {
                return parts.subList(1, parts.size());
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw DomainException.invalidField("after", "'" + (cursor.length() > 80 ? cursor.substring(0, 77) + "..." : cursor)
                + "' is not a cursor of this list: pass the after= of the Link rel=\"next\" header unchanged");
    }

    /** The Link header value for the current request's next page, or null when there is none. */
    public static String nextLink(String cursor) {
        if (cursor == null) {
            return null;
        }
        String next = ServletUriComponentsBuilder.fromCurrentRequest().replaceQueryParam("after", cursor)
                .build().toUriString();
        return "<" + next + ">; rel=\"next\"";
    }
}

package io.netforge.model;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.netforge.problem.DomainException;

/**
 * What a model is called where an id is taken ({@code /models/{id}/...}): its id; its registered name, which is the
 * name's newest version; or {@code name@version} ({@code moons@2}) or {@code name@alias} ({@code moons@champion}).
 * A name's versions are its SUCCEEDED models, numbered as they succeeded. A name that itself contains {@code @} is
 * taken whole before it is split at its last {@code @}.
 */
@Component
public class ModelReferences {

    private static final Pattern CANONICAL = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** What {@link UUID#fromString} would take: five groups of hex digits. Not a name; a malformed id. */
    private static final Pattern UUID_LIKE = Pattern.compile("[0-9a-fA-F]+(-[0-9a-fA-F]+){4}");

    private final ModelRepository models;

    public ModelReferences(ModelRepository models) {
        this.models = models;
    }

    /** Whether a reference is an id (a UUID in its canonical form) rather than a name. */
    public static boolean isId(String reference) {
        return reference != null && CANONICAL.matcher(reference.strip()).matches();
    }

    /**
     * A model reference resolved to its id: an id is returned as it is (whether the model exists is the caller's
     * question, answered as for any id); a name, version or alias that names no model is a 404 that says which
     * versions the name has.
     *
     * @param field the request field or path variable, for the message of a malformed id
     */
    public UUID resolve(String reference, String field) {
        String text = reference == null ? "" : reference.strip();
        if (isId(text)) {
            return UUID.fromString(text);
        }
        if (text.isEmpty() || UUID_LIKE.matcher(text).matches()) {
            throw DomainException.invalidField(field, "'" + abbreviate(text) + "' is not a valid id (expected a UUID,"
                    + " a model name, name@version or name@alias)");
        }
        List<Integer> versions = models.versions(text);
        int at = text.lastIndexOf('@');
        if (!versions.isEmpty() || at <= 0 || at == text.length() - 1) {
            return resolve(text, null, versions).id();
        }
        String name = text.substring(0, at);
        return resolve(name, text.substring(at + 1), models.versions(name)).id();
    }

    /** A resolved name: the model, its version, and all of the name's versions. */
    public record Version(UUID id, int version, List<Integer> versions) {
    }

    /**
     * A name's version: the newest when {@code version} is null, else the version of that number or the one the
     * alias names.
     */
    public Version version(String name, String version) {
        return resolve(name, version, models.versions(name));
    }

    private Version resolve(String name, String version, List<Integer> versions) {
        if (versions.isEmpty()) {
            throw DomainException.notFound("no SUCCEEDED model is named '"
                    + abbreviate(name) + "'");
        }
        String numbers = String.join(", ", versions.stream().map(String::valueOf).toList());
        if (version == null) {
            int newest = versions.get(versions.size() - 1);
            return new Version(models.byVersion(name, newest).orElseThrow(), newest, versions);
        }
        Optional<UUID> found;
        int number;
        if (!version.isEmpty() && version.length() < 10 && version.chars().allMatch(c -> c >= '0' && c <= '9')) {
            number = Integer.parseInt(version);
            found = models.byVersion(name, number);
            return found.map(id -> new Version(id, number, versions)).orElseThrow(() -> DomainException.notFound(
                    "model '" + abbreviate(name) + "' has no version " + version
                            + "; its versions are " + numbers));
        }
        UUID aliased = models.byAlias(name, version).orElseThrow(() -> DomainException.notFound(
                "model '" + abbreviate(name) + "' has no version or alias '" + abbreviate(version)
                        + "'; its versions are " + numbers));
        return new Version(aliased, models.getView(aliased).version(), versions);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}

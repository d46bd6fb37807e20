package io.netforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packages form layers: a package may use only packages of a lower layer (and itself). Read from the sources
 * (imports and fully qualified names in code; comments are left out), so a cycle or an upward import fails here.
 * Each package says what it owns in its {@code package-info.java}.
 */
class PackageDependenciesTest {

    /** Each package's layer; a package may use packages of lower layers only. */
    static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("compute", 0), Map.entry("problem", 0), Map.entry("system", 0),
            Map.entry("tabular", 1), Map.entry("web", 1),
            Map.entry("network", 2), Map.entry("dataset.synthetic", 2),
            Map.entry("dataset", 3),
            Map.entry("job", 4),
            Map.entry("model", 5),
            Map.entry("training", 6), Map.entry("plot", 6),
            Map.entry("export", 7), Map.entry("experiment", 7), Map.entry("search", 7), Map.entry("prediction", 7),
            Map.entry("security", 8), Map.entry("idempotency", 8),
            Map.entry("", 9));

    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.netforge\\.((?:[a-z]+\\.)*)[A-Z]");

    @Test
    void everyPackageUsesOnlyLowerLayers() throws IOException {
        Path root = Path.of("src/main/java/io/netforge");
        List<String> violations = new ArrayList<>();
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String own = packageOf(root.relativize(file.getParent()));
                packages.add(own);
                assertThat(LAYERS).as("the layer of package '%s'", own).containsKey(own);
                String code = withoutComments(Files.readString(file));
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    String used = m.group(1).isEmpty() ? "" : m.group(1).substring(0, m.group(1).length() - 1);
                    if (used.equals(own)) {
                        continue;
                    }
                    Integer layer = LAYERS.get(used);
                    if (layer == null || layer >= LAYERS.get(own)) {
                        violations.add(root.relativize(file) + " uses io.netforge." + used);
                    }
                }
            }
        }
        assertThat(violations).as("uses of a package in the same or a higher layer").isEmpty();
        assertThat(packages).as("packages").containsAll(List.of("compute", "tabular", "dataset", "model", "training"));
    }

    @Test
    void everyPackageSaysWhatItOwns() throws IOException {
        Path root = Path.of("src/main/java/io/netforge");
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                boolean hasClasses;
                try (Stream<Path> children = Files.list(dir)) {
                    hasClasses = children.anyMatch(p -> p.toString().endsWith(".java"));
                }
                if (hasClasses) {
                    Path info = dir.resolve("package-info.java");
                    assertThat(info).as("package-info.java of %s", dir).exists();
                    assertThat(Files.readString(info)).as(info.toString()).contains("/**");
                }
            }
        }
    }

    private static String packageOf(Path relative) {
        return relative.toString().replace('/', '.');
    }

    /** The source without its comments (string literals are kept: a name in a string is a use too). */
    static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
    }
}

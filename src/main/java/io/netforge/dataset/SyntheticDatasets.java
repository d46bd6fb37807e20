package io.netforge.dataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Service;

import io.netforge.dataset.synthetic.InvalidParameterException;
import io.netforge.dataset.synthetic.MakeClassification;
import io.netforge.dataset.synthetic.SyntheticCsv;
import io.netforge.dataset.synthetic.SyntheticData;
import io.netforge.dataset.synthetic.TwoShapes;
import io.netforge.problem.DomainException;
import io.netforge.problem.Names;
import tools.jackson.databind.JsonNode;

/**
 * Turns a {@link SyntheticRequest} into generated data, and stores it as an upload of its CSV would be: the same
 * columns, types and checks, so a generated dataset is an ordinary dataset.
 */
@Service
class SyntheticDatasets {

    /** Generated rows and their name(s): one dataset, or a training and a test one. */
    record Made(DatasetInfo train, DatasetInfo test) {
    }

    private final DatasetStore store;
    private final long maxCells;

    SyntheticDatasets(DatasetStore store, DatasetProperties properties) {
        this.store = store;
        this.maxCells = properties.syntheticMaxCells();
    }

    Made create(SyntheticRequest request) {
        SyntheticData data = generate(request);
        String name = request.name() == null || request.name().isBlank() ? defaultName(request)
                : Names.check("name", request.name());
        if (request.testFraction() == null) {
            DatasetInfo one = store.createAll(List.of(upload(data, name))).get(0);
            return new Made(one, null);
        }
        double fraction = request.testFraction();
        if (!(fraction > 0 && fraction < 1)) {
            throw DomainException.invalidField("testFraction", "must be between 0 and 1 (exclusive), got " + fraction);
        }
        int testRows = (int) Math.round(data.rows() * fraction);
        if (testRows < 1 || testRows >= data.rows()) {
            throw DomainException.invalidField("testFraction", "leaves " + testRows + " of " + data.rows()
                    + " rows for the test dataset; each dataset needs at least one");
        }
        if (name.length() + "-train".length() > Names.MAX_LENGTH) {
            throw DomainException.invalidField("name", "with testFraction, at most " + (Names.MAX_LENGTH
                    - "-train".length()) + " characters (the datasets are name-train and name-test)");
        }
        int trainRows = data.rows() - testRows;
        List<DatasetInfo> both = store.createAll(List.of(upload(data.rows(0, trainRows), name + "-train"),
                upload(data.rows(trainRows, data.rows()), name + "-test")));
        return new Made(both.get(0), both.get(1));
    }

    private static DatasetStore.Upload upload(SyntheticData data, String name) {
        return new DatasetStore.Upload("generated data", new SyntheticCsv(data), -1, null, name,
                new CsvDatasetParser.Options(SyntheticData.LABEL, ",", List.of(), List.of(), List.of()));
    }

    private static String defaultName(SyntheticRequest request) {
        return generator(request) + "-seed" + (request.seed() == null ? 0 : request.seed());
    }

    private static String generator(SyntheticRequest request) {
        return request.generator() == null ? "classification" : request.generator().toLowerCase(Locale.ROOT);
    }

    SyntheticData generate(SyntheticRequest r) {
        String generator = generator(r);
        long seed = r.seed() == null ? 0 : r.seed();
        try {
            switch (generator) {
                case "classification" -> {
                    Map<String, Object> shapesOnly = new LinkedHashMap<>();
                    shapesOnly.put("noise", r.noise());
                    shapesOnly.put("factor", r.factor());
                    refuse(r, "classification", shapesOnly);
                    int samples = or(r.samples(), 100);
                    int features = or(r.features(), 20);
                    checkSize(samples, features);
                    return new MakeClassification(samples, features, or(r.informative(), 2), or(r.redundant(), 2),
                            or(r.repeated(), 0), or(r.classes(), 2), or(r.clustersPerClass(), 2), weights(r.weights()),
                            or(r.flipY(), 0.01), or(r.classSep(), 1.0), r.hypercube() == null || r.hypercube(),
                            perFeature("shift", r.shift(), 0.0), perFeature("scale", r.scale(), 1.0),
                            r.shuffle() == null || r.shuffle(), seed).generate().data();
                }
                case "moons", "circles" -> {
                    Map<String, Object> classificationOnly = new LinkedHashMap<>();
                    classificationOnly.put("features", r.features());
                    classificationOnly.put("informative", r.informative());
                    classificationOnly.put("redundant", r.redundant());
                    classificationOnly.put("repeated", r.repeated());
                    classificationOnly.put("classes", r.classes());
                    classificationOnly.put("clustersPerClass", r.clustersPerClass());
                    classificationOnly.put("weights", r.weights());
                    classificationOnly.put("flipY", r.flipY());
                    classificationOnly.put("classSep", r.classSep());
                    classificationOnly.put("hypercube", r.hypercube());
                    classificationOnly.put("shift", r.shift());
                    classificationOnly.put("scale", r.scale());
                    if (generator.equals("moons")) {
                        classificationOnly.put("factor", r.factor());
                    }
                    refuse(r, generator, classificationOnly);
                    int samples = or(r.samples(), 100);
                    checkSize(samples, 2);
                    TwoShapes.Shape shape = generator.equals("moons") ? TwoShapes.Shape.MOONS : TwoShapes.Shape.CIRCLES;
                    return new TwoShapes(shape, samples, or(r.noise(), 0.0), or(r.factor(), 0.8),
                            r.shuffle() == null || r.shuffle(), seed).generate();
                }
                default -> throw DomainException.invalidField("generator", "'" + r.generator()
                        + "' is not a generator; use classification, moons or circles");
            }
        } catch (InvalidParameterException e) {
            throw DomainException.invalidField(e.parameter(), e.problem());
        }
    }

    /** Generated rows live in memory until stored: a cap keeps a request from exhausting the heap. */
    private void checkSize(int samples, int features) {
        if (samples < 1) {
            throw DomainException.invalidField("samples", "must be at least 1, got " + samples);
        }
        long cells = (long) samples * (features + 1);
        if (cells > maxCells) {
            throw DomainException.invalidField("samples", samples + " rows of " + features + " features are " + cells
                    + " cells; at most " + maxCells + " (netforge.datasets.synthetic-max-cells)")
                    .with("limitCells", maxCells);
        }
    }

    private static void refuse(SyntheticRequest r, String generator, Map<String, Object> notApplicable) {
        List<String> given = new ArrayList<>();
        notApplicable.forEach((field, value) -> {
            if (value != null && !(value instanceof JsonNode node && node.isNull())) {
                given.add(field);
            }
        });
        if (!given.isEmpty()) {
            given.sort(null);
            throw DomainException.invalidField(given.get(0), "does not apply to the " + generator + " generator");
        }
    }

    private static double[] weights(List<Double> weights) {
        if (weights == null) {
            return null;
        }
        double[] values = new double[weights.size()];
        for (int k = 0; k < values.length; k++) {
            if (weights.get(k) == null) {
                throw DomainException.invalidField("weights[" + k + "]", "must be a number");
            }
            values[k] = weights.get(k);
        }
        return values;
    }

    /** A number, an array of numbers, or "random" (null): scikit-learn's shift and scale. */
    private static double[] perFeature(String field, JsonNode node, double fallback) {
        if (node == null || node.isNull()) {
            return new double[] {fallback};
        }
        if (node.isString() && node.asString().equals("random")) {
            return null;
        }
        if (node.isNumber()) {
            return new double[] {node.doubleValue()};
        }
        if (node.isArray() && !node.isEmpty()) {
            double[] values = new double[node.size()];
            for (int j = 0; j < values.length; j++) {
                if (!node.get(j).isNumber()) {
                    throw DomainException.invalidField(field + "[" + j + "]", "must be a number");
                }
                values[j] = node.get(j).doubleValue();
            }
            return values;
        }
        throw DomainException.invalidField(field, "must be a number, an array of one number per feature, or \"random\"");
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static double or(Double value, double fallback) {
        return value == null ? fallback : value;
    }
}

package io.netforge.prediction;

import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import org.springframework.context.ConfigurableApplicationContext;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.netforge.support.Http;
import io.netforge.support.Instances;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The speed issue's prediction comparison: a binary model {@code [256, 256]} of 300 numeric inputs (float64,
 * standardised, trained for a few iterations on 10,000 seeded rows), served by an instance of the service in this
 * JVM, against ONNX Runtime (Java, default session options: its own thread pool on every core) running the model's
 * own ONNX export ({@code /export?format=onnx}) on the same rows. Alternating round by round in one run:
 * <ul>
 * <li>one row: netforge's whole prediction of raw feature values (encoding, standardisation, network, answer) against
 * ORT's run of the whole graph, tensors made from the same values (300 inputs of {@code [1, 1]});</li>
 * <li>10,000 rows: netforge in the batches a CSV scoring uses ({@link CsvScoring#BATCH} rows) against one ORT run of
 * {@code [10000, 1]} tensors;</li>
 * <li>through HTTP, for context: a one-row {@code POST /predict} round trip, and a scoring job of the 10,000-row
 * dataset (its startedAt to finishedAt, CSV read and written).</li>
 * </ul>
 * Medians; the outputs of both are compared (max |difference|). Writes target/bench/predict.json.
 *
 * <pre>
 * bench/run.sh --predict [--rounds N]
 * </pre>
 */
public final class PredictBench {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final int INPUTS = 300;
    private static final int ROWS = 10_000;

    private PredictBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length == 2 && args[0].equals("--rounds") ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("netforge-predict-bench");
        double[][] rows = rows();
        try (ConfigurableApplicationContext context = Instances.start(TestDatabases.h2File(dir), 1,
                "--logging.level.root=WARN")) {
            Http http = Instances.http(context);
            String dataset = http.uploadCsv("predict-bench.csv", csv(rows));
            Http.Response created = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {"
                    + "\"hiddenLayers\": [256, 256], \"activation\": \"relu\", \"maxIterations\": 3,"
                    + " \"learningRate\": 0.01, \"standardize\": true}}");
            if (created.status() != 201 && created.status() != 202) {
                throw new IllegalStateException(created.toString());
            }
            String id = created.json().get("id").asString();
            JsonNode model = http.awaitModel(id, Duration.ofMinutes(5));
            if (!model.get("status").asString().equals("SUCCEEDED")) {
                throw new IllegalStateException(model.toString());
            }
            LoadedModel loaded = context.getBean(ModelCache.class).get(UUID.fromString(id));
            byte[] onnx = http.getBytes("/models/" + id + "/export?format=onnx");
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
                double[][] one = {rows[0]};
                double difference = Math.max(maxDifference(netforge(loaded, one), ort(env, session, one)),
                        maxDifference(netforge(loaded, rows), ort(env, session, rows)));
                String body = "{\"instances\": [" + row(rows[1]) + "]}";
                List<Map<String, Object>> results = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("round", round + 1);
                    result.put("oneRowNetforgeMicros", median(2000, () -> netforge(loaded, one)) / 1e3);
                    result.put("oneRowOrtMicros", median(2000, () -> ort(env, session, one)) / 1e3);
                    result.put("tenThousandRowsNetforgeMillis", median(15, () -> netforge(loaded, rows)) / 1e6);
                    result.put("tenThousandRowsOrtMillis", median(15, () -> ort(env, session, rows)) / 1e6);
                    result.put("httpPredictOneRowMicros", median(500, () -> {
                        Http.Response r = http.postJson("/models/" + id + "/predict", body);
                        if (r.status() != 200) {
                            throw new IllegalStateException(r.toString());
                        }
                        return null;
                    }) / 1e3);
                    result.put("httpScoringMillis", scoring(http, id, dataset));
                    System.err.println(result);
                    results.add(result);
                }
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("model", "binary [256, 256] relu, 300 numeric inputs, float64, standardised: "
                        + (INPUTS * 256 + 256 + 256 * 256 + 256 + 257) + " parameters");
                report.put("onnxRuntime", "com.microsoft.onnxruntime:onnxruntime 1.23.2, default SessionOptions");
                report.put("maxDifferenceOfProbabilities", difference);
                report.put("rounds", results);
                report.put("medians", medians(results));
                Path out = Path.of("target/bench/predict.json");
                Files.createDirectories(out.getParent());
                JSON.writeValue(out.toFile(), report);
                System.out.println(JSON.writeValueAsString(report));
            }
        }
    }

    /** Each row's probability of the positive class, from raw feature values, in the scoring's batches. */
    private static double[] netforge(LoadedModel model, double[][] rows) {
        double[] p = new double[rows.length];
        for (int from = 0; from < rows.length; from += CsvScoring.BATCH) {
            int to = Math.min(rows.length, from + CsvScoring.BATCH);
            List<io.netforge.tabular.Prediction> answers = model.predict(Arrays.copyOfRange(rows, from, to));
            for (int r = from; r < to; r++) {
                p[r] = ((io.netforge.tabular.BinaryPrediction) answers.get(r - from)).probability();
            }
        }
        return p;
    }

    /** The same through the ONNX export: one run over all rows, tensors made from the same values. */
    private static double[] ort(OrtEnvironment env, OrtSession session, double[][] rows) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (int f = 0; f < INPUTS; f++) {
                double[] column = new double[rows.length];
                for (int r = 0; r < rows.length; r++) {
                    column[r] = rows[r][f];
                }
                inputs.put("f" + f, OnnxTensor.createTensor(env, DoubleBuffer.wrap(column), new long[] {rows.length, 1}));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                Object probabilities = result.get("probabilities").orElseThrow().getValue();
                double[] p = new double[rows.length];
                for (int r = 0; r < rows.length; r++) {
                    Object row = ((Object[]) probabilities)[r];
                    p[r] = row instanceof double[] d ? d[1] : ((float[]) row)[1];
                }
                return p;
            }
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static double scoring(Http http, String model, String dataset) {
        String path = "/models/" + model + "/scorings";
        String id = http.postJson(path, "{\"datasetId\": \"" + dataset + "\"}").json().get("id").asString();
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            JsonNode scoring = http.get(path + "/" + id).json();
            String status = scoring.get("status").asString();
            if (status.equals("SUCCEEDED")) {
                return Duration.between(Instant.parse(scoring.get("startedAt").asString()),
                        Instant.parse(scoring.get("finishedAt").asString())).toNanos() / 1e6;
            }
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                throw new IllegalStateException(scoring.toString());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("scoring " + id + " did not finish in 120 s");
    }

    /** The median of {@code times} timed calls, after as many untimed ones, in nanoseconds. */
    private static double median(int times, java.util.function.Supplier<Object> call) {
        for (int i = 0; i < times; i++) {
            call.get();
        }
        long[] nanos = new long[times];
        for (int i = 0; i < times; i++) {
            long start = System.nanoTime();
            call.get();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[times / 2];
    }

    private static Map<String, Object> medians(List<Map<String, Object>> results) {
        Map<String, Object> medians = new LinkedHashMap<>();
        for (String key : results.get(0).keySet()) {
            if (key.equals("round")) {
                continue;
            }
            double[] values = results.stream().mapToDouble(r -> (Double) r.get(key)).sorted().toArray();
            medians.put(key, values[values.length / 2]);
        }
        medians.put("oneRowRatio", (Double) medians.get("oneRowNetforgeMicros") / (Double) medians.get("oneRowOrtMicros"));
        medians.put("tenThousandRowsRatio", (Double) medians.get("tenThousandRowsNetforgeMillis")
                / (Double) medians.get("tenThousandRowsOrtMillis"));
        return medians;
    }

    private static double maxDifference(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static double[][] rows() {
        SplittableRandom random = new SplittableRandom(20);
        double[][] rows = new double[ROWS][INPUTS];
        for (double[] row : rows) {
            for (int f = 0; f < INPUTS; f++) {
                row[f] = Math.round(random.nextGaussian() * 1e4) / 1e4;
            }
        }
        return rows;
    }

    private static byte[] csv(double[][] rows) {
        StringBuilder csv = new StringBuilder();
        for (int f = 0; f < INPUTS; f++) {
            csv.append('f').append(f).append(',');
        }
        csv.append("label\n");
        for (double[] row : rows) {
            double score = 0;
            for (int f = 0; f < INPUTS; f++) {
                csv.append(row[f]).append(',');
                score += (f % 3 - 1) * row[f];
            }
            csv.append(score > 0 ? 1 : 0).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String row(double[] row) {
        StringBuilder json = new StringBuilder("{");
        for (int f = 0; f < INPUTS; f++) {
            json.append(f == 0 ? "" : ", ").append("\"f").append(f).append("\": ").append(row[f]);
        }
        return json.append('}').toString();
    }
}

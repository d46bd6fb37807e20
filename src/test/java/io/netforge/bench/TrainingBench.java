package io.netforge.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.netforge.compute.Evaluation;
import io.netforge.compute.Network;
import io.netforge.compute.Precision;
import io.netforge.compute.Trainer;
import io.netforge.compute.TrainingMonitor;
import io.netforge.compute.TrainingResult;
import io.netforge.compute.TrainingSettings;
import io.netforge.support.ReferenceNetwork;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trainer's benchmark against numpy_reference.py, side by side in one run; started by bench/run.sh (see
 * docs/performance.md). Uses only the compute core's public API.
 *
 * <p>The parent process forks one JVM per measurement (so each peak RSS belongs to one workload), alternates them
 * with numpy's runs of the same workload (OPENBLAS_NUM_THREADS=1, as in the baseline) for several rounds,
 * and prints one JSON document. Workloads:
 * <ul>
 * <li>article: the article's 4000 x 20 training set, [8, 3], learning rate 1, 2000 iterations, float64 and float32;</li>
 * <li>large: 100000 x 100 synthetic rows, [256, 256], 20 iterations, float32; once more after the service's warm-up
 * (Trainer.warmUp), for its resident memory: before the rows, with them, and the peak;</li>
 * <li>rss: 20000 iterations of the article workload on the small kernel and on ND4J, and 20000 mini-batch steps of
 * a [256, 128] network on the wide kernel, resident memory sampled from /proc/self/status;</li>
 * <li>concurrent: two article trainings one after the other, then at once: wall times and bit-identity;</li>
 * <li>agreement: 2000 iterations from numpy's and our trainer from the same initial network;</li>
 * <li>against torch_reference.py (PyTorch, 1 and 2 threads), mini-batches with ReLU and Adam (learning rate 0.001):
 * minibatch-article, the article's data with [8, 3], batches of 32, 200 epochs, float64 and float32; and
 * minibatch-synthetic, 100000 x 20 synthetic rows, [64, 32], batches of 256, 10 epochs, float32.</li>
 * </ul>
 * With {@code --against-classpath CP --against-label REV} (bench/run.sh --against REV builds them), every round of
 * the article workloads also runs the same child from another build of netforge, so that two commits are compared
 * side by side in one run.
 */
public final class TrainingBench {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Path ARTICLE_TRAIN = Path.of("src/test/resources/article/seed_train.csv");
    private static final Path ARTICLE_TEST = Path.of("src/test/resources/article/seed_test.csv");
    private static final Path INITIAL_NETWORK = Path.of("src/test/resources" + ReferenceNetwork.RESOURCE);
    private static final Path OUT = Path.of("target/bench");
    private static final int LARGE_ROWS = 100_000;
    private static final int LARGE_COLUMNS = 100;
    private static final int SYNTHETIC_ROWS = 100_000;
    private static final int SYNTHETIC_COLUMNS = 20;
    /** Another build's classpath and name, to compare against; null when not asked for. */
    private static String againstClasspath;
    private static String againstLabel;

    private TrainingBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int rounds = 3;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                case "--against-classpath" -> againstClasspath = args[++i];
                case "--against-label" -> againstLabel = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: bench/run.sh [--rounds N] [--quick] [--against REV]");
            }
        }
        Files.createDirectories(OUT);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", machine());
        boolean numpy = numpyAvailable();
        report.put("numpy", numpy ? "numpy_reference.py with OPENBLAS_NUM_THREADS=1 (the issue's baseline)"
                : "python3 with numpy not found: netforge figures only");
        List<Object> workloads = new ArrayList<>();
        workloads.add(sideBySide("article", "FLOAT64", rounds, numpy));
        workloads.add(sideBySide("article", "FLOAT32", rounds, numpy));
        if (!quick) {
            writeLargeCsv();
            workloads.add(sideBySide("large", "FLOAT32", rounds, numpy));
        }
        String torch = torchPython();
        report.put("torch", torch == null ? "no python3 with torch (apt-get install python3-torch): netforge figures only"
                : "bench/torch_reference.py with " + torch + ", 1 and 2 threads");
        List<Object> miniBatches = new ArrayList<>();
        miniBatches.add(againstTorch("minibatch-article", "FLOAT64", rounds, torch));
        miniBatches.add(againstTorch("minibatch-article", "FLOAT32", rounds, torch));
        if (!quick) {
            writeSyntheticCsv();
            miniBatches.add(againstTorch("minibatch-synthetic", "FLOAT32", rounds, torch));
        }
        report.put("workloads", workloads);
        report.put("mini_batch_workloads_against_pytorch", miniBatches);
        int rssIterations = quick ? 4000 : 20_000;
        // the ND4J path on the article's small shapes is slow with libnd4j's default threads on a loaded machine;
        // one OpenMP thread keeps this memory measurement short
        report.put("rss_flatness", List.of(fork(List.of(), "rss", String.valueOf(rssIterations)),
                fork(Map.of("OMP_NUM_THREADS", "1"), List.of("-Dnetforge.compute.vector=false"), "rss",
                        String.valueOf(rssIterations)), fork(List.of(), "rss-wide", String.valueOf(rssIterations))));
        if (!quick) {
            // with the option the service starts with, under which the warm-up's collection is a concurrent cycle
            report.put("large_memory_after_warm_up", fork(List.of("-XX:+ExplicitGCInvokesConcurrent"), "large-memory"));
        }
        report.put("concurrency", fork(List.of(), "concurrent"));
        if (numpy) {
            report.put("agreement_with_numpy", agreement());
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        Files.writeString(OUT.resolve("results.json"), text + "\n");
        System.out.println(text);
    }

    // ---------------------------------------------------------------- parent: side by side

    private static Map<String, Object> sideBySide(String workload, String precision, int rounds, boolean numpy)
            throws Exception {
        List<JsonNode> ours = new ArrayList<>();
        List<JsonNode> theirs = new ArrayList<>();
        List<JsonNode> before = new ArrayList<>();
        boolean against = againstClasspath != null && workload.equals("article");
        for (int round = 0; round < rounds; round++) {
            // against another build: ABBA order, so that neither build always runs first
            boolean oursFirst = round % 2 == 0;
            if (oursFirst || !against) {
                ours.add(JSON.valueToTree(fork(List.of(), workload, precision)));
            }
            if (against) {
                before.add(JSON.valueToTree(fork(againstClasspath, Map.of(), List.of(), workload, precision)));
                if (!oursFirst) {
                    ours.add(JSON.valueToTree(fork(List.of(), workload, precision)));
                }
            }
            if (numpy) {
                theirs.add(numpyRun(workload, precision));
            }
            System.err.printf(Locale.ROOT, "%s %s round %d: netforge %s s%s%s%n", workload, precision, round + 1,
                    ours.get(round).get("seconds"), against ? ", " + againstLabel + " " + before.get(round).get("seconds")
                            + " s" : "",
                    numpy ? ", numpy " + theirs.get(round).get("train_seconds") + " s" : "");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", workload);
        result.put("precision", precision);
        result.put("rounds", rounds);
        JsonNode first = ours.get(0);
        for (String key : List.of("rows", "layers", "iterations", "trainer", "data_mb", "activations_mb")) {
            result.put(key, first.get(key));
        }
        double seconds = median(ours, "seconds");
        int iterations = first.get("iterations").asInt();
        Map<String, Object> netforge = timings(ours, "seconds", iterations);
        netforge.put("first_run_in_fresh_jvm_seconds_median", round(median(ours, "cold_seconds")));
        netforge.put("model_reported_seconds_median", round(median(ours, "model_seconds")));
        netforge.put("peak_rss_mb_max", round(max(ours, "peak_rss_mb")));
        netforge.put("final_loss", first.get("final_loss"));
        netforge.put("test_accuracy", first.get("test_accuracy"));
        netforge.put("test_auc", first.get("test_auc"));
        result.put("netforge", netforge);
        if (!before.isEmpty()) {
            Map<String, Object> other = timings(before, "seconds", iterations);
            other.put("revision", againstLabel);
            other.put("final_loss", before.get(0).get("final_loss"));
            other.put("test_auc", before.get(0).get("test_auc"));
            result.put("against", other);
            result.put("ratio_netforge_to_against_median", round(seconds / median(before, "seconds")));
            List<Double> paired = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                paired.add(ours.get(round).get("seconds").asDouble() / before.get(round).get("seconds").asDouble());
            }
            result.put("ratio_netforge_to_against_per_round", paired.stream().map(TrainingBench::round).toList());
            result.put("ratio_netforge_to_against_paired_median", round(medianOf(paired)));
            result.put("same_final_loss_as_against", first.get("final_loss").equals(before.get(0).get("final_loss")));
        }
        if (!theirs.isEmpty()) {
            double numpySeconds = median(theirs, "train_seconds");
            Map<String, Object> reference = timings(theirs, "train_seconds", iterations);
            reference.put("peak_rss_mb_max", round(max(theirs, "peak_rss_mb")));
            reference.put("final_loss", theirs.get(0).get("train_loss"));
            reference.put("test_accuracy", theirs.get(0).get("test_accuracy"));
            reference.put("test_auc", theirs.get(0).get("test_auc"));
            result.put("numpy", reference);
            result.put("ratio_netforge_to_numpy_median", round(seconds / numpySeconds));
            result.put("ratio_netforge_to_numpy_best", round(min(ours, "seconds") / min(theirs, "train_seconds")));
            result.put("ratio_first_run_to_numpy_median", round(median(ours, "cold_seconds") / numpySeconds));
        }
        return result;
    }

    private static JsonNode numpyRun(String workload, String precision) throws Exception {
        List<String> args = new ArrayList<>();
        String dtype = precision.equals("FLOAT64") ? "float64" : "float32";
        if (workload.equals("article")) {
            args.addAll(List.of(ARTICLE_TRAIN.toString(), ARTICLE_TEST.toString(), "--hidden", "8,3", "--iters", "2000"));
        } else {
            args.addAll(List.of(OUT.resolve("large_train.csv").toString(), "--hidden", "256,256", "--iters", "20"));
        }
        args.addAll(List.of("--lr", "1.0", "--seed", "0", "--dtype", dtype));
        return python(args);
    }

    /** A reference's process (numpy, PyTorch) at its best: {@link ReferenceEnvironment}. */
    private static ProcessBuilder reference(List<String> command, int threads) {
        return ReferenceEnvironment.builder(command, threads);
    }

    /** Runs bench/numpy_reference.py unchanged, with its peak RSS read after it returns. */
    private static JsonNode python(List<String> scriptArgs) throws Exception {
        String wrapper = "import json, resource, runpy, sys\n"
                + "sys.argv = sys.argv[1:]\n"
                + "runpy.run_path(sys.argv[0], run_name='__main__')\n"
                + "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n";
        List<String> command = new ArrayList<>(List.of("python3", "-c", wrapper, "bench/numpy_reference.py"));
        command.addAll(scriptArgs);
        ProcessBuilder builder = reference(command, 1);
        Output output = run(builder);
        JsonNode json = JSON.readTree(output.stdout.lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new IllegalStateException("numpy printed no JSON: " + output.stderr)));
        long kb = output.stderr.lines().filter(l -> l.startsWith("PEAK_RSS_KB")).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
                .findFirst().orElse(0);
        ((tools.jackson.databind.node.ObjectNode) json).put("peak_rss_mb", kb / 1024.0);
        return json;
    }

    // ---------------------------------------------------------------- parent: against PyTorch

    /** Our mini-batch workload and torch_reference.py's with 1 and 2 threads, alternating, round by round. */
    private static Map<String, Object> againstTorch(String workload, String precision, int rounds, String torch)
            throws Exception {
        List<JsonNode> ours = new ArrayList<>();
        List<JsonNode> one = new ArrayList<>();
        List<JsonNode> two = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            ours.add(JSON.valueToTree(fork(List.of(), workload, precision)));
            if (torch != null) {
                one.add(torchRun(torch, workload, precision, 1));
                two.add(torchRun(torch, workload, precision, 2));
            }
            System.err.printf(Locale.ROOT, "%s %s round %d: netforge %s s%s%n", workload, precision, round + 1,
                    ours.get(round).get("seconds"), torch == null ? "" : ", torch 1 thread "
                            + one.get(round).get("train_seconds") + " s, 2 threads " + two.get(round).get("train_seconds") + " s");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", workload);
        result.put("precision", precision);
        result.put("rounds", rounds);
        JsonNode first = ours.get(0);
        for (String key : List.of("rows", "layers", "batch_size", "epochs", "steps", "trainer")) {
            result.put(key, first.get(key));
        }
        int epochs = first.get("epochs").asInt();
        Map<String, Object> netforge = timings(ours, "seconds", epochs);
        netforge.put("first_run_in_fresh_jvm_seconds_median", round(median(ours, "cold_seconds")));
        netforge.put("final_loss", first.get("final_loss"));
        netforge.put("train_accuracy", first.get("train_accuracy"));
        result.put("netforge", netforge);
        if (torch != null) {
            double seconds = median(ours, "seconds");
            for (List<JsonNode> runs : List.of(one, two)) {
                String name = runs == one ? "torch_1_thread" : "torch_2_threads";
                Map<String, Object> theirs = timings(runs, "train_seconds", epochs);
                theirs.put("final_loss", runs.get(0).get("final_loss"));
                theirs.put("train_accuracy", runs.get(0).get("train").get("accuracy"));
                result.put(name, theirs);
                result.put("ratio_netforge_to_" + name + "_median", round(seconds / median(runs, "train_seconds")));
            }
            double best = Math.min(median(one, "train_seconds"), median(two, "train_seconds"));
            result.put("ratio_netforge_to_faster_torch_median", round(seconds / best));
        }
        return result;
    }

    private static JsonNode torchRun(String python, String workload, String precision, int threads) throws Exception {
        boolean article = workload.equals("minibatch-article");
        List<String> command = new ArrayList<>(List.of(python, "bench/torch_reference.py",
                article ? ARTICLE_TRAIN.toString() : OUT.resolve("synthetic_train.csv").toString(),
                "--hidden", article ? "8,3" : "64,32", "--activation", "relu", "--optimizer", "adam", "--lr", "0.001",
                "--epochs", article ? "200" : "10", "--batch-size", article ? "32" : "256", "--shuffle",
                "--threads", String.valueOf(threads), "--dtype", precision.equals("FLOAT64") ? "float64" : "float32",
                "--warm-up", "2"));
        Output output = run(reference(command, threads));
        if (output.exit != 0) {
            throw new IllegalStateException("torch_reference.py failed: " + output.stderr);
        }
        return JSON.readTree(output.stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("torch_reference.py printed no JSON: " + output.stderr)));
    }

    /** Debian's python3 with python3-torch, or a python3 on PATH that has torch; null when neither. */
    private static String torchPython() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                if (run(new ProcessBuilder(python, "-c", "import torch")).exit == 0) {
                    return python;
                }
            } catch (Exception e) {
                // not there: try the next
            }
        }
        return null;
    }

    private static boolean numpyAvailable() {
        try {
            return run(new ProcessBuilder("python3", "-c", "import numpy")).exit == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Our and numpy's 2000-iteration losses from one initial network (numpy_trajectory.py). */
    private static Map<String, Object> agreement() throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        for (String dtype : List.of("float64", "float32")) {
            Path out = OUT.resolve("numpy_trajectory_" + dtype + ".json");
            ProcessBuilder builder = new ProcessBuilder("python3", "src/test/python/numpy_trajectory.py",
                    INITIAL_NETWORK.toString(), ARTICLE_TRAIN.toString(), "--lr", "1.0", "--iters", "2000", "--dtype",
                    dtype, "--out", out.toString());
            builder.environment().put("OPENBLAS_NUM_THREADS", "1");
            Output output = run(builder);
            if (output.exit != 0) {
                result.put(dtype, "numpy_trajectory.py failed: " + output.stderr);
                continue;
            }
            JsonNode theirs = JSON.readTree(Files.readString(out)).get("losses");
            JsonNode ours = JSON.valueToTree(fork(List.of(), "trajectory", dtype.equals("float64") ? "FLOAT64" : "FLOAT32"));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("trainer", ours.get("trainer"));
            for (int t : new int[] {1, 100, 500, 1000, 1500, 2000}) {
                double a = ours.get("losses").get(t - 1).asDouble();
                double b = theirs.get(t - 1).asDouble();
                entry.put("iteration_" + t, Map.of("netforge", a, "numpy", b, "relative_difference",
                        Math.abs(a - b) / Math.abs(b)));
            }
            double worst500 = 0;
            for (int t = 0; t < 500; t++) {
                double a = ours.get("losses").get(t).asDouble();
                double b = theirs.get(t).asDouble();
                worst500 = Math.max(worst500, Math.abs(a - b) / Math.abs(b));
            }
            entry.put("largest_relative_difference_first_500", worst500);
            entry.put("netforge_test_accuracy", ours.get("test_accuracy"));
            entry.put("netforge_test_auc", ours.get("test_auc"));
            result.put(dtype, entry);
        }
        return result;
    }

    // ---------------------------------------------------------------- children: one measurement per JVM

    private static Map<String, Object> fork(List<String> jvmOptions, String... childArgs) throws Exception {
        return fork(Map.of(), jvmOptions, childArgs);
    }

    private static Map<String, Object> fork(Map<String, String> environment, List<String> jvmOptions,
            String... childArgs) throws Exception {
        return fork(null, environment, jvmOptions, childArgs);
    }

    /** A child JVM on {@code classpath} (null: this build's) that prints one JSON line. */
    private static Map<String, Object> fork(String classpath, Map<String, String> environment, List<String> jvmOptions,
            String... childArgs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules=jdk.incubator.vector");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath != null ? classpath : System.getProperty("java.class.path"));
        command.add(TrainingBench.class.getName());
        command.add("--child");
        command.addAll(List.of(childArgs));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Output output = run(builder);
        if (output.exit != 0) {
            throw new IllegalStateException("child " + List.of(childArgs) + " failed:\n" + output.stdout + output.stderr);
        }
        String line = output.stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("child printed no JSON:\n" + output.stdout + output.stderr));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = JSON.readValue(line, LinkedHashMap.class);
        return result;
    }

    private static void child(String[] args) throws Exception {
        Map<String, Object> result = switch (args[0]) {
            case "article" -> article(Precision.valueOf(args[1]));
            case "minibatch-article", "minibatch-synthetic" -> miniBatches(args[0], Precision.valueOf(args[1]));
            case "large" -> large();
            case "large-memory" -> {
                // as in the service, which warms the kernels up before its first job: a cold JVM's first
                // iterations run the kernels before C2 has compiled them, boxing vectors (GBs of garbage the heap
                // grows for), which says nothing about what the training needs
                Trainer.warmUp();
                Thread.sleep(1000); // G1 gives the heap back concurrently after the warm-up's full collection
                // the peak so far was the warm-up's (its garbage before that collection): from here on, the job's
                Files.writeString(Path.of("/proc/self/clear_refs"), "5");
                yield large();
            }
            case "rss" -> rss(Integer.parseInt(args[1]));
            case "rss-wide" -> rssWide(Integer.parseInt(args[1]));
            case "concurrent" -> concurrent();
            case "trajectory" -> trajectory(Precision.valueOf(args[1]));
            default -> throw new IllegalArgumentException("unknown child " + args[0]);
        };
        System.out.println(JSON.writeValueAsString(result));
        System.exit(0); // ND4J's native threads are not daemons
    }

    /** The article's workload: a first training in this fresh JVM, then three more; seconds is their median. */
    private static Map<String, Object> article(Precision precision) {
        Data train = Data.csv(ARTICLE_TRAIN, precision);
        Data test = Data.csv(ARTICLE_TEST, precision);
        TrainingSettings settings = TrainingSettings.article(List.of(8, 3), 1.0, 2000, 0, precision);
        List<Double> seconds = new ArrayList<>();
        List<Double> modelSeconds = new ArrayList<>();
        Map<String, Object> result = new LinkedHashMap<>();
        for (int run = 0; run < 4; run++) {
            long start = System.nanoTime();
            TrainingResult trained = Trainer.train(train.x, train.y, settings, TrainingMonitor.NONE);
            seconds.add((System.nanoTime() - start) / 1e9);
            modelSeconds.add(trained.seconds());
            try (trained) {
                result.put("trainer", trained.trainer());
                result.put("final_loss", trained.losses()[trained.iterations() - 1]);
                try (INDArray p = trained.network().predict(test.x)) {
                    Evaluation evaluation = Evaluation.of(p.castTo(DataType.DOUBLE).data().asDouble(), test.labels, 0.5);
                    result.put("test_accuracy", evaluation.accuracy());
                    result.put("test_auc", evaluation.auc());
                }
            }
        }
        result.put("rows", train.rows);
        result.put("layers", List.of(20, 8, 3, 1));
        result.put("iterations", settings.maxIterations());
        result.put("cold_seconds", seconds.get(0));
        List<Double> warm = seconds.subList(1, seconds.size());
        result.put("seconds", medianOf(warm));
        result.put("model_seconds", medianOf(modelSeconds.subList(1, modelSeconds.size())));
        result.put("peak_rss_mb", status("VmHWM") / 1024.0);
        putSizes(result, train.rows, 20, List.of(8, 3), precision);
        return result;
    }

    /**
     * A mini-batch workload (see the class comment): a first training in this fresh JVM, then three more; seconds
     * is their median. The CSV torch_reference.py reads holds the same values.
     */
    private static Map<String, Object> miniBatches(String workload, Precision precision) {
        boolean article = workload.equals("minibatch-article");
        Data train = Data.csv(article ? ARTICLE_TRAIN : OUT.resolve("synthetic_train.csv"), precision);
        List<Integer> hidden = article ? List.of(8, 3) : List.of(64, 32);
        int epochs = article ? 200 : 10;
        int batch = article ? 32 : 256;
        TrainingSettings settings = TrainingSettings.article(hidden, 0.001, epochs, 0, precision)
                .withActivations(List.of(io.netforge.compute.Activation.RELU))
                .withOptimizer(new io.netforge.compute.Optimizer.Adam(0.001, 0.9, 0.999, 1e-8)).withBatchSize(batch);
        List<Double> seconds = new ArrayList<>();
        Map<String, Object> result = new LinkedHashMap<>();
        for (int run = 0; run < 4; run++) {
            long start = System.nanoTime();
            try (TrainingResult trained = Trainer.train(train.x, train.y, settings, TrainingMonitor.NONE)) {
                seconds.add((System.nanoTime() - start) / 1e9);
                result.put("trainer", trained.trainer());
                result.put("final_loss", trained.losses()[trained.iterations() - 1]);
                try (INDArray p = trained.network().predict(train.x)) {
                    result.put("train_accuracy", Evaluation.of(p.castTo(DataType.DOUBLE).data().asDouble(), train.labels,
                            0.5).accuracy());
                }
            }
        }
        List<Integer> layers = new ArrayList<>();
        layers.add((int) train.x.columns());
        layers.addAll(hidden);
        layers.add(1);
        result.put("rows", train.rows);
        result.put("layers", layers);
        result.put("batch_size", batch);
        result.put("epochs", epochs);
        result.put("iterations", epochs);
        result.put("steps", (long) epochs * ((train.rows + batch - 1) / batch));
        result.put("cold_seconds", seconds.get(0));
        result.put("seconds", medianOf(seconds.subList(1, seconds.size())));
        result.put("peak_rss_mb", status("VmHWM") / 1024.0);
        return result;
    }

    /** 100000 x 100 rows (the CSV numpy reads holds the same values), [256, 256], float32, 20 iterations. */
    private static Map<String, Object> large() {
        Precision precision = Precision.FLOAT32;
        Map<String, Object> result = new LinkedHashMap<>();
        // the JVM's own resident memory (heap as sized so far, code, ND4J's libraries), then with the rows loaded: the
        // peak above the latter is what the training itself needs
        long beforeData = status("VmRSS");
        try (INDArray x = Nd4j.createUninitialized(DataType.FLOAT, LARGE_ROWS, LARGE_COLUMNS);
                INDArray y = Nd4j.createUninitialized(DataType.FLOAT, LARGE_ROWS, 1)) {
            LargeData.fill(x.data(), y.data());
            long withData = status("VmRSS");
            result.put("rss_mb_before_data", beforeData / 1024.0);
            result.put("rss_mb_with_data", withData / 1024.0);
            TrainingSettings settings = TrainingSettings.article(List.of(256, 256), 1.0, 20, 0, precision);
            long start = System.nanoTime();
            try (TrainingResult trained = Trainer.train(x, y, settings, TrainingMonitor.NONE)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                result.put("trainer", trained.trainer());
                result.put("final_loss", trained.losses()[trained.iterations() - 1]);
                result.put("seconds", seconds);
                result.put("cold_seconds", seconds);
                result.put("model_seconds", trained.seconds());
            }
            result.put("rows", LARGE_ROWS);
            result.put("layers", List.of(LARGE_COLUMNS, 256, 256, 1));
            result.put("iterations", 20);
            long peak = status("VmHWM");
            result.put("peak_rss_mb", peak / 1024.0);
            result.put("training_peak_above_data_mb", (peak - withData) / 1024.0);
            putSizes(result, LARGE_ROWS, LARGE_COLUMNS, List.of(256, 256), precision);
        }
        return result;
    }

    /** Resident memory over a long run of the article workload, sampled every 500 iterations. */
    private static Map<String, Object> rss(int iterations) {
        TrainingSettings settings = TrainingSettings.article(List.of(8, 3), 1.0, iterations, 0, Precision.FLOAT64);
        return rss(settings, iterations, 500);
    }

    /**
     * The same on the wide kernel's path: the article's rows, {@code [256, 128]} ReLU, Adam, batches of 64 (63
     * steps an epoch), {@code steps} mini-batch steps, sampled every 8 epochs.
     */
    private static Map<String, Object> rssWide(int steps) {
        int epochs = (int) Math.ceil(steps / 63.0);
        TrainingSettings settings = TrainingSettings.article(List.of(256, 128), 0.001, epochs, 0, Precision.FLOAT64)
                .withActivations(List.of(io.netforge.compute.Activation.RELU))
                .withOptimizer(new io.netforge.compute.Optimizer.Adam(0.001, 0.9, 0.999, 1e-8)).withBatchSize(64);
        Map<String, Object> result = rss(settings, epochs, 8);
        result.put("steps", epochs * 63);
        result.put("network", "[256, 128] relu, adam, batches of 64");
        return result;
    }

    private static Map<String, Object> rss(TrainingSettings settings, int iterations, int every) {
        Data train = Data.csv(ARTICLE_TRAIN, Precision.FLOAT64);
        List<Long> samples = new ArrayList<>();
        TrainingMonitor monitor = (iteration, loss) -> {
            if (iteration % every == 0) {
                samples.add(status("VmRSS"));
            }
            return true;
        };
        Map<String, Object> result = new LinkedHashMap<>();
        try (TrainingResult trained = Trainer.train(train.x, train.y, settings, monitor)) {
            result.put("trainer", trained.trainer());
            result.put("iterations", iterations);
            result.put("seconds", trained.seconds());
        }
        int warm = Math.min(samples.size() - 1, 3); // after 2000 iterations
        long afterWarmUp = samples.get(warm);
        long highest = samples.subList(warm, samples.size()).stream().mapToLong(Long::longValue).max().orElse(0);
        long last = samples.get(samples.size() - 1);
        result.put("rss_mb_after_warm_up", afterWarmUp / 1024.0);
        result.put("rss_mb_highest_after_warm_up", highest / 1024.0);
        result.put("rss_mb_at_end", last / 1024.0);
        result.put("growth_after_warm_up_percent", round(100.0 * (highest - afterWarmUp) / afterWarmUp));
        // a trend rather than a sawtooth: the highest sample of the last quarter against that of the first
        // quarter after warm-up
        List<Long> after = samples.subList(warm, samples.size());
        int quarter = Math.max(1, after.size() / 4);
        long firstQuarter = after.subList(0, quarter).stream().mapToLong(Long::longValue).max().orElse(0);
        long lastQuarter = after.subList(after.size() - quarter, after.size()).stream().mapToLong(Long::longValue).max()
                .orElse(0);
        result.put("trend_last_vs_first_quarter_percent", round(100.0 * (lastQuarter - firstQuarter) / firstQuarter));
        result.put("sampled_every_iterations", every);
        result.put("rss_mb_samples", samples.stream().map(kb -> Math.round(kb / 1024.0)).toList());
        result.put("peak_rss_mb", status("VmHWM") / 1024.0);
        return result;
    }

    /** Two article trainings (seeds 0 and 1) one after the other, then at once, each after a warm-up run. */
    private static Map<String, Object> concurrent() throws Exception {
        Data train = Data.csv(ARTICLE_TRAIN, Precision.FLOAT64);
        TrainingSettings a = TrainingSettings.article(List.of(8, 3), 1.0, 2000, 0, Precision.FLOAT64);
        TrainingSettings b = TrainingSettings.article(List.of(8, 3), 1.0, 2000, 1, Precision.FLOAT64);
        snapshot(train, a); // warm-up
        Map<String, Object> result = new LinkedHashMap<>();
        List<Double> sequentialRuns = new ArrayList<>();
        List<Double> concurrentRuns = new ArrayList<>();
        boolean identical = true;
        String trainer = null;
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            Snapshot aloneA = snapshot(train, a);
            Snapshot aloneB = snapshot(train, b);
            sequentialRuns.add((System.nanoTime() - start) / 1e9);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                start = System.nanoTime();
                Future<Snapshot> togetherA = pool.submit(() -> snapshot(train, a));
                Future<Snapshot> togetherB = pool.submit(() -> snapshot(train, b));
                Snapshot resultA = togetherA.get();
                Snapshot resultB = togetherB.get();
                concurrentRuns.add((System.nanoTime() - start) / 1e9);
                identical &= resultA.equals(aloneA) && resultB.equals(aloneB) && !aloneA.equals(aloneB);
                trainer = aloneA.trainer;
            } finally {
                pool.shutdownNow();
            }
        }
        result.put("trainer", trainer);
        result.put("bit_identical_to_alone", identical);
        result.put("sequential_seconds_each", sequentialRuns);
        result.put("concurrent_seconds_each", concurrentRuns);
        double sequential = medianOf(sequentialRuns);
        double together = medianOf(concurrentRuns);
        result.put("sequential_seconds_median", round(sequential));
        result.put("concurrent_seconds_median", round(together));
        result.put("ratio_concurrent_to_sequential", round(together / sequential));
        return result;
    }

    /** Our losses for 2000 iterations from numpy_trajectory.py's initial network, on the default path. */
    private static Map<String, Object> trajectory(Precision precision) throws IOException {
        JsonNode initial = JSON.readTree(Files.readString(INITIAL_NETWORK));
        Data train = Data.csv(ARTICLE_TRAIN, precision);
        Data test = Data.csv(ARTICLE_TEST, precision);
        Map<String, Object> result = new LinkedHashMap<>();
        try (Network start = ReferenceNetwork.network(initial, precision);
                TrainingResult trained = Trainer.train(start, train.x, train.y,
                        TrainingSettings.article(start.layerSizes().subList(1, start.layerCount()), 1.0, 2000, 0, precision),
                        TrainingMonitor.NONE);
                INDArray p = trained.network().predict(test.x)) {
            Evaluation evaluation = Evaluation.of(p.castTo(DataType.DOUBLE).data().asDouble(), test.labels, 0.5);
            result.put("trainer", trained.trainer());
            result.put("losses", trained.losses());
            result.put("test_accuracy", evaluation.accuracy());
            result.put("test_auc", evaluation.auc());
        }
        return result;
    }

    private static Snapshot snapshot(Data train, TrainingSettings settings) {
        try (TrainingResult trained = Trainer.train(train.x, train.y, settings, TrainingMonitor.NONE)) {
            List<double[]> parameters = new ArrayList<>();
            for (int l = 0; l < trained.network().layerCount(); l++) {
                parameters.add(trained.network().weightsData(l));
                parameters.add(trained.network().biasData(l));
            }
            return new Snapshot(trained.trainer(), trained.losses(), parameters);
        }
    }

    private record Snapshot(String trainer, double[] losses, List<double[]> parameters) {
        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Snapshot that) || !Arrays.equals(losses, that.losses)
                    || parameters.size() != that.parameters.size()) {
                return false;
            }
            for (int i = 0; i < parameters.size(); i++) {
                if (!Arrays.equals(parameters.get(i), that.parameters.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(losses);
        }
    }

    // ---------------------------------------------------------------- data

    /** Features x (N x d), labels y (N x 1) and the labels as bytes, from a CSV whose last column is the label. */
    private record Data(INDArray x, INDArray y, byte[] labels, int rows) {
        static Data csv(Path path, Precision precision) {
            try {
                List<String> lines = Files.readAllLines(path);
                int columns = lines.get(0).split(",").length - 1;
                int rows = lines.size() - 1;
                double[] x = new double[rows * columns];
                double[] y = new double[rows];
                byte[] labels = new byte[rows];
                for (int r = 0; r < rows; r++) {
                    String[] cells = lines.get(r + 1).split(",");
                    for (int k = 0; k < columns; k++) {
                        x[r * columns + k] = Double.parseDouble(cells[k]);
                    }
                    y[r] = Double.parseDouble(cells[columns]);
                    labels[r] = (byte) y[r];
                }
                INDArray features = Nd4j.create(x, new long[] {rows, columns}, DataType.DOUBLE).castTo(precision.dataType());
                INDArray column = Nd4j.create(y, new long[] {rows, 1}, DataType.DOUBLE).castTo(precision.dataType());
                return new Data(features, column, labels, rows);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The large workload's rows: standard normal features from Random(42); the label is 1 when a fixed random
     * linear function of the features plus noise is positive, so the problem is learnable but not separable.
     */
    private static final class LargeData {
        static void fill(DataBuffer x, DataBuffer y) {
            Random random = new Random(42);
            double[] direction = new double[LARGE_COLUMNS];
            for (int k = 0; k < LARGE_COLUMNS; k++) {
                direction[k] = random.nextGaussian();
            }
            for (long r = 0; r < LARGE_ROWS; r++) {
                double score = 0;
                for (int k = 0; k < LARGE_COLUMNS; k++) {
                    float value = (float) random.nextGaussian();
                    x.put(r * LARGE_COLUMNS + k, value);
                    score += value * direction[k];
                }
                y.put(r, score + 5 * random.nextGaussian() > 0 ? 1f : 0f);
            }
        }
    }

    /**
     * Writes the synthetic mini-batch workload's rows as CSV, once: standard normal features from Random(7) as floats;
     * the label is 1 when 2 tanh(x w / 3) + (x v)² / 10 - 1 plus noise of sd 0.5 is positive, for fixed random w and
     * v, so the problem needs the hidden layers (about 54% positive).
     */
    private static void writeSyntheticCsv() throws IOException {
        Path csv = OUT.resolve("synthetic_train.csv");
        if (Files.exists(csv)) {
            return;
        }
        Random random = new Random(7);
        double[] w = new double[SYNTHETIC_COLUMNS];
        double[] v = new double[SYNTHETIC_COLUMNS];
        for (int k = 0; k < SYNTHETIC_COLUMNS; k++) {
            w[k] = random.nextGaussian();
            v[k] = random.nextGaussian();
        }
        Path partial = OUT.resolve("synthetic_train.csv.partial");
        try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.US_ASCII)) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < SYNTHETIC_COLUMNS; k++) {
                line.append('x').append(k).append(',');
            }
            out.write(line.append("y\n").toString());
            for (int r = 0; r < SYNTHETIC_ROWS; r++) {
                line.setLength(0);
                double linear = 0;
                double quadratic = 0;
                for (int k = 0; k < SYNTHETIC_COLUMNS; k++) {
                    float value = (float) random.nextGaussian();
                    linear += value * w[k];
                    quadratic += value * v[k];
                    line.append(value).append(',');
                }
                double score = 2 * Math.tanh(linear / 3) + quadratic * quadratic / 10 - 1 + 0.5 * random.nextGaussian();
                out.write(line.append(score > 0 ? "1" : "0").append('\n').toString());
            }
        }
        Files.move(partial, csv);
    }

    /** Writes the large workload's rows as CSV for numpy, once (float32 values, printed to round-trip). */
    private static void writeLargeCsv() throws IOException {
        Path csv = OUT.resolve("large_train.csv");
        if (Files.exists(csv)) {
            return;
        }
        float[] x = new float[LARGE_ROWS * LARGE_COLUMNS];
        float[] y = new float[LARGE_ROWS];
        try (INDArray xs = Nd4j.createUninitialized(DataType.FLOAT, LARGE_ROWS, LARGE_COLUMNS);
                INDArray ys = Nd4j.createUninitialized(DataType.FLOAT, LARGE_ROWS, 1)) {
            LargeData.fill(xs.data(), ys.data());
            System.arraycopy(xs.data().asFloat(), 0, x, 0, x.length);
            System.arraycopy(ys.data().asFloat(), 0, y, 0, y.length);
        }
        Path partial = OUT.resolve("large_train.csv.partial");
        try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.US_ASCII)) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < LARGE_COLUMNS; k++) {
                line.append('x').append(k).append(',');
            }
            out.write(line.append("y\n").toString());
            for (int r = 0; r < LARGE_ROWS; r++) {
                line.setLength(0);
                for (int k = 0; k < LARGE_COLUMNS; k++) {
                    line.append(x[r * LARGE_COLUMNS + k]).append(',');
                }
                out.write(line.append(y[r] > 0 ? "1" : "0").append('\n').toString());
            }
        }
        Files.move(partial, csv);
    }

    // ---------------------------------------------------------------- helpers

    private static void putSizes(Map<String, Object> result, long rows, int inputs, List<Integer> hidden,
            Precision precision) {
        int bytes = precision == Precision.FLOAT64 ? 8 : 4;
        long units = hidden.stream().mapToLong(Integer::longValue).sum() + 1;
        result.put("data_mb", round(rows * (inputs + 1L) * bytes / 1048576.0));
        result.put("activations_mb", round(rows * units * bytes / 1048576.0));
    }

    /** A field of /proc/self/status in kB (VmRSS: resident now; VmHWM: the peak so far). */
    private static long status(String field) {
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/self/status"))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.version"));
        try {
            machine.put("load_average_at_start", Files.readString(Path.of("/proc/loadavg")).trim());
            machine.put("cpu", Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.split(":")[1].trim()).orElse("?"));
        } catch (IOException e) {
            machine.put("cpu", "?");
        }
        return machine;
    }

    private record Output(int exit, String stdout, String stderr) {
    }

    private static Output run(ProcessBuilder builder) throws IOException, InterruptedException {
        Path err = Files.createTempFile("bench", ".err");
        try {
            Process process = builder.redirectError(err.toFile()).start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + builder.command());
            }
            return new Output(process.exitValue(), stdout, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static List<Double> values(List<JsonNode> runs, String field) {
        return runs.stream().map(run -> round(run.get(field).asDouble())).toList();
    }

    /** Median, min, max and each of the runs' {@code field} (seconds), and the rates they give per iteration. */
    private static Map<String, Object> timings(List<JsonNode> runs, String field, int iterations) {
        double seconds = median(runs, field);
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("seconds_median", round(seconds));
        timings.put("seconds_min", round(min(runs, field)));
        timings.put("seconds_max", round(max(runs, field)));
        timings.put("seconds_each", values(runs, field));
        timings.put("iterations_per_second", round(iterations / seconds));
        // four significant digits: an article iteration takes ~0.0002 s, which round() would cut to one digit
        timings.put("seconds_per_iteration",
                new java.math.BigDecimal(seconds / iterations).round(new java.math.MathContext(4)).doubleValue());
        return timings;
    }

    private static double median(List<JsonNode> runs, String field) {
        return medianOf(runs.stream().map(run -> run.get(field).asDouble()).toList());
    }

    private static double min(List<JsonNode> runs, String field) {
        return runs.stream().mapToDouble(run -> run.get(field).asDouble()).min().orElse(Double.NaN);
    }

    private static double max(List<JsonNode> runs, String field) {
        return runs.stream().mapToDouble(run -> run.get(field).asDouble()).max().orElse(Double.NaN);
    }

    private static double medianOf(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double round(double value) {
        return Math.round(value * 10000) / 10000.0;
    }
}

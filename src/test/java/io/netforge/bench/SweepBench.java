package io.netforge.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.BufferedWriter;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import io.netforge.compute.Activation;
import io.netforge.compute.Objective;
import io.netforge.compute.Optimizer;
import io.netforge.compute.Precision;
import io.netforge.compute.Trainer;
import io.netforge.compute.TrainingMonitor;
import io.netforge.compute.TrainingResult;
import io.netforge.compute.TrainingSettings;
import io.netforge.plot.ChartImages;

/**
 * The speed issue's sweep: inputs {20, 100, 300, 1000} x hidden {[16], [64, 32], [256, 128], [512, 512]} x batch
 * {32, 256, full} x {binary, 10 classes}, float64, 4096 synthetic rows (seeded), ReLU, Adam at 0.001: netforge
 * (in this JVM) and bench/torch_reference.py with 1 and 2 threads on the same rows: per cell one untimed netforge
 * run, then two rounds (-Dsweep.rounds) of netforge, PyTorch on 1 thread and on 2 (each run after two untimed steps;
 * the references' OpenBLAS on its fastest kernels and one thread meaning one: {@link ReferenceEnvironment}), each
 * side's fastest kept. Each cell trains enough epochs for about
 * 3e8 multiply-adds (1 to 50; full batch: 2 to 200 iterations). Reports seconds per epoch, netforge's ratio to the
 * faster PyTorch, its FLOP rate (6 x rows x parameters per epoch), the rate numpy's matmul reaches on these cores
 * (OpenBLAS, 2 threads, float64, 2048^2: a plain blocked product), and the largest step of netforge's curve between
 * neighbouring sizes. Writes target/bench/sweep.json and one SVG chart per label kind (seconds per epoch against
 * parameters, log-log, drawn with the service's chart library).
 *
 * <pre>
 * bench/run.sh --sweep [--quick]     (--quick: inputs {20, 300}, hidden {[16], [256, 128]}; or any part of the
 *                                    sweep with -Dsweep.inputs=300,1000 -Dsweep.hidden=16/64,32 in JDK_JAVA_OPTIONS)
 * bench/run.sh --sweep --plot docs/bench/sweep.json     (the charts again, beside the file)
 * </pre>
 */
public final class SweepBench {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final Path OUT = Path.of("target/bench");
    private static final int ROWS = 4096;
    private static final double WORK = 3e8;
    /** Timed rounds per cell, each side's fastest kept. */
    private static final int ROUNDS = Integer.getInteger("sweep.rounds", 2);

    private SweepBench() {
    }

    record Cell(int inputs, List<Integer> hidden, int batch, int classes) {
        int outputs() {
            return classes > 2 ? classes : 1;
        }

        long parameters() {
            long total = 0;
            int in = inputs;
            for (int h : hidden) {
                total += (long) in * h + h;
                in = h;
            }
            return total + (long) in * outputs() + outputs();
        }

        int epochs() {
            double perEpoch = (double) ROWS * parameters();
            return batch == 0 ? (int) Math.max(2, Math.min(200, Math.round(WORK / perEpoch)))
                    : (int) Math.max(1, Math.min(50, Math.round(WORK / perEpoch)));
        }

        String label() {
            return inputs + " in " + hidden + (batch == 0 ? " full" : " b" + batch) + (classes > 2 ? " 10 cl" : " bin");
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--plot")) {
            plot(Path.of(args[1]));
            return;
        }
        boolean quick = List.of(args).contains("--quick");
        String python = torchPython();
        if (python == null) {
            throw new IllegalStateException("the sweep needs Debian's python3 with python3-torch");
        }
        Files.createDirectories(OUT);
        List<Integer> inputsList = quick ? List.of(20, 300) : List.of(20, 100, 300, 1000);
        List<List<Integer>> hiddens = quick ? List.of(List.of(16), List.of(256, 128))
                : List.of(List.of(16), List.of(64, 32), List.of(256, 128), List.of(512, 512));
        // a part of the sweep, to measure some cells again: -Dsweep.inputs=300,1000 -Dsweep.hidden=16/64,32
        String onlyInputs = System.getProperty("sweep.inputs");
        if (onlyInputs != null) {
            inputsList = Arrays.stream(onlyInputs.split(",")).map(Integer::valueOf).toList();
        }
        String onlyHidden = System.getProperty("sweep.hidden");
        if (onlyHidden != null) {
            hiddens = Arrays.stream(onlyHidden.split("/"))
                    .map(h -> Arrays.stream(h.split(",")).map(Integer::valueOf).toList()).toList();
        }
        List<Map<String, Object>> cells = new ArrayList<>();
        for (int classes : new int[] {2, 10}) {
            for (int inputs : inputsList) {
                Path csv = OUT.resolve("sweep-" + inputs + "-" + classes + ".csv");
                double[][] data = data(inputs, classes);
                write(csv, data[0], data[1], inputs, classes);
                try (INDArray x = Nd4j.create(data[0], new long[] {ROWS, inputs}, DataType.DOUBLE);
                        INDArray y = Nd4j.create(labels(data[1], classes), new long[] {ROWS, classes > 2 ? classes : 1},
                                DataType.DOUBLE)) {
                    for (List<Integer> hidden : hiddens) {
                        for (int batch : new int[] {32, 256, 0}) {
                            Cell cell = new Cell(inputs, hidden, batch, classes);
                            cells.add(measure(cell, x, y, csv, python));
                        }
                    }
                }
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java",
                System.getProperty("java.vm.version"), "wide_product_bits", Trainer.wideProductBits(),
                "load_average_at_start", loadAverage()));
        result.put("rows", ROWS);
        result.put("precision", "FLOAT64");
        result.put("timed_rounds_per_cell", ROUNDS);
        result.put("plain_blocked_product_gflops", peak());
        result.put("cells", cells);
        result.put("summary", summary(cells, (double) result.get("plain_blocked_product_gflops")));
        Files.writeString(OUT.resolve("sweep.json"), JSON.writeValueAsString(result));
        writeCharts(cells, OUT);
        System.out.println(JSON.writeValueAsString(result));
        System.exit(0); // ND4J's native threads are not daemons
    }

    private static void writeCharts(List<Map<String, Object>> cells, Path folder) throws IOException {
        for (int classes : new int[] {2, 10}) {
            Files.write(folder.resolve("sweep-" + (classes > 2 ? "10-classes" : "binary") + ".svg"),
                    ChartImages.svg(chart(cells, classes), 900, 600));
        }
    }

    /** The charts again from a sweep.json, written beside it. */
    private static void plot(Path json) throws IOException {
        List<Map<String, Object>> cells = new ArrayList<>();
        for (JsonNode c : JSON.readTree(Files.readString(json)).get("cells")) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("batch", c.get("batch").asInt());
            row.put("classes", c.get("classes").asInt());
            row.put("parameters", c.get("parameters").asLong());
            for (String field : List.of("netforge_seconds_per_epoch", "torch_1_thread_seconds_per_epoch",
                    "torch_2_threads_seconds_per_epoch")) {
                row.put(field, c.get(field).asDouble());
            }
            cells.add(row);
        }
        writeCharts(cells, json.toAbsolutePath().getParent());
    }

    private static Map<String, Object> measure(Cell cell, INDArray x, INDArray y, Path csv, String python)
            throws Exception {
        int epochs = cell.epochs();
        Objective objective = cell.classes() > 2 ? Objective.SOFTMAX_CROSS_ENTROPY : Objective.SIGMOID_CROSS_ENTROPY;
        TrainingSettings settings = TrainingSettings.article(cell.hidden(), 0.001, epochs, 0, Precision.FLOAT64)
                .withObjective(objective).withActivations(List.of(Activation.RELU))
                .withOptimizer(new Optimizer.Adam(0.001, 0.9, 0.999, 1e-8)).withBatchSize(cell.batch());
        String trainer = null;
        double best = Double.POSITIVE_INFINITY;
        double torch1 = Double.POSITIVE_INFINITY;
        double torch2 = Double.POSITIVE_INFINITY;
        // an untimed run, then ROUNDS rounds of netforge, PyTorch on 1 thread and on 2, each side's fastest kept:
        // this VM's speed wanders by 1.3-2x from one minute to the next, and a slow spell then falls on both sides
        for (int round = -1; round < ROUNDS; round++) {
            long start = System.nanoTime();
            try (TrainingResult trained = Trainer.train(x, y, settings, TrainingMonitor.NONE)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                trainer = trained.trainer();
                if (round >= 0) {
                    best = Math.min(best, seconds);
                }
            }
            if (round >= 0) {
                torch1 = Math.min(torch1, torch(python, cell, csv, epochs, 1));
                torch2 = Math.min(torch2, torch(python, cell, csv, epochs, 2));
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("inputs", cell.inputs());
        row.put("hidden", cell.hidden());
        row.put("batch", cell.batch());
        row.put("classes", cell.classes());
        row.put("parameters", cell.parameters());
        row.put("epochs", epochs);
        row.put("trainer", trainer);
        row.put("netforge_seconds_per_epoch", round(best / epochs));
        row.put("torch_1_thread_seconds_per_epoch", round(torch1 / epochs));
        row.put("torch_2_threads_seconds_per_epoch", round(torch2 / epochs));
        row.put("ratio_to_faster_torch", round(best / Math.min(torch1, torch2)));
        row.put("netforge_gflops", round(6.0 * ROWS * cell.parameters() * epochs / best / 1e9));
        System.err.printf(Locale.ROOT, "%-34s %-15s %9.5f s/epoch, torch %9.5f / %9.5f, ratio %.3f, %.1f GFLOP/s%n",
                cell.label(), trainer, best / epochs, torch1 / epochs, torch2 / epochs,
                best / Math.min(torch1, torch2), 6.0 * ROWS * cell.parameters() * epochs / best / 1e9);
        return row;
    }

    /** Rows of N(0, 1) features and a label from a fixed linear score: 0/1, or one of 10 bands of it. */
    private static double[][] data(int inputs, int classes) {
        Random random = new Random(inputs * 31L + classes);
        double[] x = new double[ROWS * inputs];
        double[] label = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            double score = 0;
            for (int k = 0; k < inputs; k++) {
                double v = random.nextGaussian();
                x[r * inputs + k] = v;
                score += (k % 3 == 0 ? v : -0.5 * v) / Math.sqrt(inputs);
            }
            label[r] = classes == 2 ? (score + 0.3 * random.nextGaussian() > 0 ? 1 : 0)
                    : Math.floorMod((int) Math.floor(score * 2 + classes / 2.0), classes);
        }
        return new double[][] {x, label};
    }

    /** 0/1 as one column, or one-hot rows. */
    private static double[] labels(double[] label, int classes) {
        if (classes == 2) {
            return label;
        }
        double[] y = new double[ROWS * classes];
        for (int r = 0; r < ROWS; r++) {
            y[r * classes + (int) label[r]] = 1;
        }
        return y;
    }

    private static void write(Path csv, double[] x, double[] label, int inputs, int classes) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            for (int k = 0; k < inputs; k++) {
                out.write("x" + k + ",");
            }
            out.write("y\n");
            for (int r = 0; r < ROWS; r++) {
                for (int k = 0; k < inputs; k++) {
                    out.write(Double.toString(x[r * inputs + k]));
                    out.write(',');
                }
                out.write(Integer.toString((int) label[r]));
                out.write('\n');
            }
        }
    }

    private static double torch(String python, Cell cell, Path csv, int epochs, int threads) throws Exception {
        List<String> command = new ArrayList<>(List.of(python, "bench/torch_reference.py", csv.toString(), "--task",
                cell.classes() > 2 ? "multiclass" : "binary", "--hidden",
                String.join(",", cell.hidden().stream().map(String::valueOf).toList()), "--activation", "relu",
                "--optimizer", "adam", "--lr", "0.001", "--epochs", String.valueOf(epochs), "--batch-size",
                String.valueOf(cell.batch()), "--threads", String.valueOf(threads), "--dtype", "float64",
                // two untimed steps first, as netforge has its untimed run: on the largest cells (2 epochs) PyTorch's
                // first step's one-off costs were half its time
                "--warm-up", "2"));
        // Debian's PyTorch does its products in OpenBLAS, whose own threads torch.set_num_threads does not limit
        // (with 1 set, a 2048^2 product kept 1.96 cores busy): one thread means one here
        ProcessBuilder builder = ReferenceEnvironment.builder(command, threads);
        JsonNode out = JSON.readTree(run(builder).lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("torch_reference.py printed no JSON")));
        return out.get("train_seconds").asDouble();
    }

    /**
     * GFLOP/s of numpy's float64 matmul (OpenBLAS, 2 threads) on 2048 x 2048 matrices, best of 5, with the python3 on
     * PATH (the image's numpy links OpenBLAS; Debian's links the reference BLAS, 30 times slower).
     */
    private static double peak() throws Exception {
        String code = "import numpy as np, time\n"
                + "a = np.random.default_rng(0).normal(size=(2048, 2048)); b = a.copy(); a @ b\n"
                + "best = min((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(5))\n"
                + "print(2 * 2048 ** 3 / best / 1e9)\n";
        ProcessBuilder builder = ReferenceEnvironment.builder(List.of("python3", "-c", code), 2);
        return round(Double.parseDouble(run(builder).strip()));
    }

    private static Map<String, Object> summary(List<Map<String, Object>> cells, double peak) {
        Map<String, Object> summary = new LinkedHashMap<>();
        long faster = cells.stream().filter(c -> (double) c.get("ratio_to_faster_torch") < 1).count();
        summary.put("cells", cells.size());
        summary.put("cells_faster_than_the_faster_torch", faster);
        summary.put("largest_ratio_to_faster_torch",
                cells.stream().mapToDouble(c -> (double) c.get("ratio_to_faster_torch")).max().orElse(Double.NaN));
        summary.put("best_gflops", cells.stream().mapToDouble(c -> (double) c.get("netforge_gflops")).max()
                .orElse(Double.NaN));
        summary.put("best_gflops_share_of_plain_product",
                round(cells.stream().mapToDouble(c -> (double) c.get("netforge_gflops")).max().orElse(0) / peak));
        // seconds per epoch per parameter, compared between neighbouring sizes of the same series
        double worstStep = 0;
        for (Map<String, Object> a : cells) {
            for (Map<String, Object> b : cells) {
                if (a.get("batch").equals(b.get("batch")) && a.get("classes").equals(b.get("classes"))
                        && (long) b.get("parameters") > (long) a.get("parameters") && neighbours(a, b)) {
                    double perA = (double) a.get("netforge_seconds_per_epoch") / (long) a.get("parameters");
                    double perB = (double) b.get("netforge_seconds_per_epoch") / (long) b.get("parameters");
                    worstStep = Math.max(worstStep, perB / perA);
                }
            }
        }
        summary.put("largest_step_in_seconds_per_parameter_between_neighbours", round(worstStep));
        return summary;
    }

    /** Cells one step apart in exactly one of inputs or hidden layers. */
    private static boolean neighbours(Map<String, Object> a, Map<String, Object> b) {
        List<Integer> inputs = List.of(20, 100, 300, 1000);
        List<String> hidden = List.of("[16]", "[64, 32]", "[256, 128]", "[512, 512]");
        int di = Math.abs(inputs.indexOf(a.get("inputs")) - inputs.indexOf(b.get("inputs")));
        int dh = Math.abs(hidden.indexOf(a.get("hidden").toString()) - hidden.indexOf(b.get("hidden").toString()));
        return di + dh == 1;
    }

    /** Seconds per epoch against parameters, log-log: netforge and the faster PyTorch, a line per batch size. */
    private static JFreeChart chart(List<Map<String, Object>> cells, int classes) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (int batch : new int[] {32, 256, 0}) {
            String name = batch == 0 ? "full batch" : "batches of " + batch;
            XYSeries ours = new XYSeries("netforge, " + name, true, true);
            XYSeries theirs = new XYSeries("PyTorch (faster of 1, 2 threads), " + name, true, true);
            for (Map<String, Object> c : cells) {
                if ((int) c.get("batch") == batch && (int) c.get("classes") == classes) {
                    double p = (long) c.get("parameters");
                    ours.addOrUpdate(p, (double) c.get("netforge_seconds_per_epoch"));
                    theirs.addOrUpdate(p, Math.min((double) c.get("torch_1_thread_seconds_per_epoch"),
                            (double) c.get("torch_2_threads_seconds_per_epoch")));
                }
            }
            data.addSeries(ours);
            data.addSeries(theirs);
        }
        LogAxis x = new LogAxis("parameters");
        LogAxis y = new LogAxis("seconds per epoch (" + ROWS + " rows)");
        for (LogAxis axis : List.of(x, y)) {
            axis.setTickUnit(new NumberTickUnit(1.0)); // a tick per power of ten
            axis.setMinorTickCount(9);
            axis.setMinorTickMarksVisible(true);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] colours = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
        for (int s = 0; s < 6; s++) {
            renderer.setSeriesPaint(s, colours[s / 2]);
            renderer.setSeriesStroke(s, s % 2 == 0 ? new BasicStroke(2f)
                    : new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Training sweep, " + (classes > 2 ? "10 classes" : "binary")
                + ": netforge (solid) and PyTorch (dashed)", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static String torchPython() throws Exception {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                run(List.of(python, "-c", "import torch"));
                return python;
            } catch (IllegalStateException | IOException e) {
                // not there: try the next
            }
        }
        return null;
    }

    private static String run(List<String> command) throws Exception {
        return run(new ProcessBuilder(command));
    }

    /** Its standard output; standard error goes to a file (read when it fails), so neither pipe can fill up. */
    private static String run(ProcessBuilder builder) throws Exception {
        Path err = Files.createTempFile("netforge-sweep-", ".err");
        try {
            Process process = builder.redirectError(err.toFile()).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", builder.command()) + " failed: "
                        + Files.readString(err));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double round(double value) {
        return Math.round(value * 1e5) / 1e5;
    }
}

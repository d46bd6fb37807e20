import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A small HTTP/1.1 load generator for netforge, one file, no dependencies: {@code java scripts/PredictLoad.java}.
 *
 * <pre>
 * rate    URL [--body FILE] --rate R --duration S [--connections C]
 *         Open loop at a steady R requests/s. Request k is due at start + k/R; its latency is measured from
 *         that due time, not from when it was actually sent, so a server (or client) stall shows up in the
 *         latencies of every request it delayed (no coordinated omission).
 * closed  URL [--body FILE] --duration S [--connections C]
 *         Closed loop: C connections, each sending its next request as soon as the previous answer arrived;
 *         gives the maximum throughput.
 * compare URL_0 URL_1 ... [--body-I FILE] --rounds N --duration S [--connections C] [--warmup S]
 *         Closed loop on each URL in turn, N rounds of S seconds each, interleaved (0 1 2 0 1 2 ...) so that
 *         drift in the machine's load hits all alike; reports each, its per-round throughput, and the ratio
 *         of URL_0's throughput to each one's ("firstOverEach").
 * </pre>
 * A body makes the request a POST with Content-Type application/json, else it is a GET. Connections are
 * persistent (keep-alive) and reopened when the server closes them after an answer (Tomcat does so every
 * 100 requests); a connection that breaks before a whole answer arrived is an error and is reopened. Every answer other
 * than 2xx is an error. Prints one JSON object on stdout.
 */
public class PredictLoad {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: see the comment at the top of PredictLoad.java");
            System.exit(2);
        }
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        int connections = Integer.parseInt(options.getOrDefault("connections", "8"));
        double duration = Double.parseDouble(options.getOrDefault("duration", "10"));
        String json = switch (args[0]) {
            case "rate" -> {
                Target target = Target.of(positional.get(0), options.get("body"));
                double rate = Double.parseDouble(options.get("rate"));
                yield run(target, connections, duration, rate).json();
            }
            case "closed" -> run(Target.of(positional.get(0), options.get("body")), connections, duration, 0).json();
            case "compare" -> {
                List<Target> targets = new ArrayList<>();
                for (int i = 0; i < positional.size(); i++) {
                    targets.add(Target.of(positional.get(i), options.get("body-" + i)));
                }
                yield compare(targets, connections, duration, Integer.parseInt(options.getOrDefault("rounds", "3")),
                        Double.parseDouble(options.getOrDefault("warmup", "0")));
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        };
        System.out.println(json);
    }

    private static String compare(List<Target> targets, int connections, double seconds, int rounds, double warmup)
            throws Exception {
        if (warmup > 0) {
            for (Target target : targets) {
                run(target, connections, warmup, 0);
            }
        }
        List<List<Result>> results = new ArrayList<>();
        targets.forEach(t -> results.add(new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int t = 0; t < targets.size(); t++) {
                results.get(t).add(run(targets.get(t), connections, seconds, 0));
            }
        }
        List<Result> totals = results.stream().map(Result::merge).toList();
        StringBuilder out = new StringBuilder("{\"targets\":[");
        out.append(String.join(",", totals.stream().map(Result::json).toList()));
        out.append("],\"rounds\":").append(results.stream()
                .map(list -> list.stream().map(r -> fmt(r.rps())).toList()).toList());
        out.append(",\"firstOverEach\":").append(totals.stream().map(t -> fmt(totals.get(0).rps() / t.rps())).toList());
        return out.append('}').toString();
    }

    /** One endpoint: host, port and the exact request bytes. */
    record Target(String host, int port, String path, byte[] request) {

        static Target of(String url, String bodyFile) throws IOException {
            URI uri = URI.create(url);
            String head;
            byte[] body = bodyFile == null ? new byte[0] : Files.readAllBytes(Path.of(bodyFile));
            String hostHeader = uri.getHost() + ":" + uri.getPort();
            if (bodyFile == null) {
                head = "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nAccept: */*\r\n\r\n";
            } else {
                head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + hostHeader
                        + "\r\nAccept: */*\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n";
            }
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(h, h.length + body.length);
            System.arraycopy(body, 0, request, h.length, body.length);
            return new Target(uri.getHost(), uri.getPort(), uri.getRawPath(), request);
        }
    }

    /** Latencies (nanoseconds) of the answered requests, errors by kind, and the time it all took. */
    record Result(String path, double targetRate, long[] latencies, Map<String, Long> errors, double seconds,
            long scheduled, long maxSendLagNanos) {

        double rps() {
            return latencies.length / seconds;
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        static Result merge(List<Result> results) {
            long[] all = results.stream().flatMapToLong(r -> Arrays.stream(r.latencies)).sorted().toArray();
            Map<String, Long> errors = new LinkedHashMap<>();
            results.forEach(r -> r.errors.forEach((k, v) -> errors.merge(k, v, Long::sum)));
            return new Result(results.get(0).path, 0, all, errors,
                    results.stream().mapToDouble(Result::seconds).sum(),
                    results.stream().mapToLong(Result::scheduled).sum(),
                    results.stream().mapToLong(Result::maxSendLagNanos).max().orElse(0));
        }

        String json() {
            StringBuilder s = new StringBuilder("{");
            s.append("\"path\":\"").append(path).append('"');
            if (targetRate > 0) {
                s.append(",\"targetRps\":").append(fmt(targetRate)).append(",\"scheduled\":").append(scheduled);
                s.append(",\"maxSendLagMs\":").append(fmt(maxSendLagNanos / 1e6));
            }
            s.append(",\"seconds\":").append(fmt(seconds));
            s.append(",\"requests\":").append(latencies.length + errorCount());
            s.append(",\"ok\":").append(latencies.length);
            s.append(",\"errors\":").append(errorCount());
            s.append(",\"errorKinds\":{");
            s.append(String.join(",", errors.entrySet().stream()
                    .map(e -> "\"" + e.getKey().replace("\"", "'") + "\":" + e.getValue()).toList()));
            s.append("},\"rps\":").append(fmt(rps()));
            s.append(",\"latencyMs\":{");
            double[] ps = { 50, 90, 99, 99.9 };
            for (double p : ps) {
                s.append('"').append(p == (long) p ? "p" + (long) p : "p" + p).append("\":")
                        .append(fmt(percentile(p) / 1e6)).append(',');
            }
            s.append("\"max\":").append(fmt(latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6));
            s.append(",\"mean\":").append(fmt(Arrays.stream(latencies).average().orElse(0) / 1e6));
            s.append("}}");
            return s.toString();
        }

        double percentile(double p) {
            if (latencies.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(p / 100.0 * latencies.length) - 1;
            return latencies[Math.max(0, Math.min(latencies.length - 1, index))];
        }
    }

    /** rate > 0: open loop at that rate; rate == 0: closed loop. */
    static Result run(Target target, int connections, double seconds, double rate) throws InterruptedException {
        long start = System.nanoTime() + 20_000_000L; // all connections are open by then
        long end = start + (long) (seconds * 1e9);
        long total = rate > 0 ? (long) Math.floor(rate * seconds) : Long.MAX_VALUE;
        double period = rate > 0 ? 1e9 / rate : 0;
        AtomicLong next = new AtomicLong();
        AtomicLong maxLag = new AtomicLong();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        long[][] latencies = new long[connections][];
        int[] counts = new int[connections];
        Thread[] threads = new Thread[connections];
        for (int c = 0; c < connections; c++) {
            long[][] mine = { new long[1024] };
            int index = c;
            threads[c] = new Thread(() -> {
                Connection connection = null;
                int n = 0;
                while (true) {
                    long due;
                    if (rate > 0) {
                        long k = next.getAndIncrement();
                        if (k >= total) {
                            break;
                        }
                        due = start + (long) (k * period);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        long lag = System.nanoTime() - due;
                        maxLag.accumulateAndGet(lag, Math::max);
                    } else {
                        due = System.nanoTime();
                        if (due < start) {
                            LockSupport.parkNanos(start - due);
                            due = System.nanoTime();
                        }
                        if (due >= end) {
                            break;
                        }
                    }
                    try {
                        if (connection == null) {
                            connection = new Connection(target);
                        }
                        int status = connection.exchange();
                        long latency = System.nanoTime() - due;
                        if (!connection.open) {
                            connection.close();
                            connection = null;
                        }
                        if (status / 100 == 2) {
                            if (n == mine[0].length) {
                                mine[0] = Arrays.copyOf(mine[0], n * 2);
                            }
                            mine[0][n++] = latency;
                        } else {
                            errors.computeIfAbsent("HTTP " + status, k -> new LongAdder()).increment();
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
                        if (connection != null) {
                            connection.close();
                        }
                        connection = null;
                    }
                }
                if (connection != null) {
                    connection.close();
                }
                latencies[index] = mine[0];
                counts[index] = n;
            }, "load-" + c);
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long finished = System.nanoTime();
        int size = 0;
        for (int c = 0; c < connections; c++) {
            size += counts[c];
        }
        long[] all = new long[size];
        int at = 0;
        for (int c = 0; c < connections; c++) {
            System.arraycopy(latencies[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        Map<String, Long> errorCounts = new LinkedHashMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        double elapsed = (finished - start) / 1e9;
        return new Result(target.path, rate, all, errorCounts, elapsed, rate > 0 ? total : 0, maxLag.get());
    }

    /** A persistent HTTP/1.1 connection that sends the target's request and reads one answer. */
    static final class Connection {

        private final Target target;
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private boolean open = true;

        Connection(Target target) throws IOException {
            this.target = target;
            this.socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(target.host, target.port), 5_000);
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        /** Sends the request and reads the whole answer; returns its status. */
        int exchange() throws IOException {
            out.write(target.request);
            out.flush();
            String statusLine = line();
            if (statusLine.isEmpty()) {
                throw new IOException("connection closed");
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String header;
            while (!(header = line()).isEmpty()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                while (true) {
                    long size = Long.parseLong(line().split(";")[0].trim(), 16);
                    skip(size);
                    line();
                    if (size == 0) {
                        break;
                    }
                }
            } else if (length > 0) {
                skip(length);
            }
            // Tomcat closes a keep-alive connection after 100 requests (maxKeepAliveRequests): a normal answer,
            // and the caller opens a new connection for the next request.
            open = !close;
            return status;
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                long skipped = in.skip(n);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed mid-answer");
                    }
                    skipped = 1;
                }
                n -= skipped;
            }
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    break;
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}

package io.netforge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The environment the benches' references (numpy, PyTorch) run in, so that they run at their best: no OpenBLAS
 * setting of the machine's (an {@code OPENBLAS_CORETYPE=Haswell} pin, kept for ND4J's bits in the tests, holds them
 * to 256-bit kernels), {@code OPENBLAS_NUM_THREADS} equal to the threads the run is given (PyTorch's
 * {@code set_num_threads} does not limit OpenBLAS's own), and the {@code OPENBLAS_CORETYPE} under which that
 * interpreter's OpenBLAS multiplies fastest, which {@code bench/openblas_core.py} measures once per interpreter
 * (Debian's OpenBLAS 0.3.21 takes an Intel Xeon of model 207 for a "Prescott" and multiplies with SSE3 kernels, at a
 * fifth of its speed with SkylakeX's).
 */
final class ReferenceEnvironment {

    private static final Map<String, String> CORES = new ConcurrentHashMap<>();

    private ReferenceEnvironment() {
    }

    /** A builder for {@code command}, whose first element is the Python interpreter, on {@code threads} threads. */
    static ProcessBuilder builder(List<String> command, int threads) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("OPENBLAS_"));
        env.put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        String core = core(command.get(0));
        if (!core.isEmpty()) {
            env.put("OPENBLAS_CORETYPE", core);
        }
        return builder;
    }

    /** The fastest OPENBLAS_CORETYPE for this interpreter's OpenBLAS, '' for its own detection (measured once). */
    static String core(String python) {
        return CORES.computeIfAbsent(python, ReferenceEnvironment::measure);
    }

    private static String measure(String python) {
        try {
            Process process = new ProcessBuilder(python, "bench/openblas_core.py", "--python", python)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // read to the end, then the exit status (each of the script's probes has its own time limit)
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                System.err.println("bench/openblas_core.py failed for " + python + ": OpenBLAS's own detection");
                return "";
            }
            System.err.println("references under " + python + ": OPENBLAS_CORETYPE="
                    + (out.isEmpty() ? "(OpenBLAS's own detection)" : out));
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}

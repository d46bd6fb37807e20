package io.netforge.compute;

import java.util.Random;

/**
 * The wide kernel's two products on one thread, shape by shape, for profiling (not a test): c = a m
 * ({@link WideKernelF64#multiplyRange}, the forward pass and the deltas) and g += in^T d
 * ({@link WideKernelF64#transposedProductRange}, the weights' sums), each on {@code rows} rows of {@code k} inputs
 * into {@code n} units, as a chunk of the kernel has them. Prints the best and median GFLOP/s of each over
 * {@code repeats} timings of enough calls to take ~5 ms.
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp ... io.netforge.compute.ProductProbe ROWS K N[,N...] [REPEATS]</pre>
 */
public final class ProductProbe {

    private ProductProbe() {
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int k = Integer.parseInt(args[1]);
        String[] widths = args[2].split(",");
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        System.out.println("product-bits=" + VectorKernels.PRODUCT_BITS);
        for (int round = 0; round < 2; round++) {
            for (String width : widths) {
                int n = Integer.parseInt(width);
                measure(rows, k, n, repeats, round == 1);
            }
        }
    }

    private static void measure(int rows, int k, int n, int repeats, boolean print) {
        Random random = new Random(7);
        double[] a = values(random, rows * k);
        double[] m = new double[k * n];
        WideKernelF64.pack(values(random, k * n), 0, k, n, m, 0);
        double[] c = new double[rows * n];
        double[] d = new double[rows * n];
        WideKernelF64.pack(values(random, rows * n), 0, rows, n, d, 0);
        double[] g = new double[k * n];
        double[] column = new double[4096];
        double flops = 2.0 * rows * k * n;
        int calls = (int) Math.max(1, 2e8 / (rows * (long) k * n));
        double[] forward = new double[repeats];
        double[] sums = new double[repeats];
        double sink = 0;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            for (int call = 0; call < calls; call++) {
                WideKernelF64.multiplyRange(a, rows, k, m, 0, n, c, 0, n);
            }
            long t1 = System.nanoTime();
            for (int call = 0; call < calls; call++) {
                WideKernelF64.transposedProductRange(a, rows, k, d, n, g, 0, 0, k, column);
            }
            long t2 = System.nanoTime();
            forward[i] = flops * calls / (t1 - t0);
            sums[i] = flops * calls / (t2 - t1);
            sink += c[0] + g[0];
        }
        if (print) {
            java.util.Arrays.sort(forward);
            java.util.Arrays.sort(sums);
            System.out.printf("rows %d k %d n %d: product best %.1f median %.1f GFLOP/s; sums best %.1f median %.1f"
                    + " GFLOP/s (%s)%n", rows, k, n, forward[repeats - 1], forward[repeats / 2], sums[repeats - 1],
                    sums[repeats / 2], sink == 42 ? "!" : "");
        }
    }

    private static double[] values(Random random, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }
}

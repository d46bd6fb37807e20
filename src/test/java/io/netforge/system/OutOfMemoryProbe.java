package io.netforge.system;

import java.util.ArrayList;
import java.util.List;

/** Runs out of memory on a thread of its own, as a request or job thread would; a JVM that survives it exits 0. */
public final class OutOfMemoryProbe {

    public static void main(String[] args) throws InterruptedException {
        OutOfMemory.exitOnUncaught();
        Thread worker = new Thread(() -> {
            List<long[]> hold = new ArrayList<>();
            while (true) {
                hold.add(new long[1 << 20]);
            }
        }, "greedy");
        worker.start();
        worker.join();
        System.out.println("survived");
        System.exit(0);
    }
}

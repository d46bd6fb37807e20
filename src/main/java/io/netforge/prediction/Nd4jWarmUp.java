package io.netforge.prediction;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Loads ND4J's native backend while the application starts, before it reports itself ready.
 *
 * <p>ND4J loads its backend (native libraries, OpenBLAS, thread pools) on first use, which takes one to
 * several seconds. Without this, an instance that was just (re)started answered its first {@code /predict}
 * that much later, on a request thread, after it had already reported itself healthy and ready. Spring
 * Boot runs application runners after the web server started but before it marks the application ready
 * to accept traffic ({@code /actuator/health/readiness} and the readiness part of {@code /actuator/health}).
 */
@Component
class Nd4jWarmUp implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(Nd4jWarmUp.class);

    private volatile boolean done;

    @Override
    public void run(ApplicationArguments args) {
        long start = System.nanoTime();
        try (INDArray a = Nd4j.ones(DataType.DOUBLE, 2, 2); INDArray product = a.mmul(a)) {
            if (product.getDouble(0, 0) != 2.0) {
                throw new IllegalStateException("ND4J computed 1*1+1*1 = " + product.getDouble(0, 0));
            }
        }
        done = true;
        log.info("ND4J backend loaded in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** Whether the backend was loaded. */
    boolean done() {
        return done;
    }
}

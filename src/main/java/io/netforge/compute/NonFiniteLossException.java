package io.netforge.compute;

/** The loss became NaN or infinite: the run diverged and cannot go on. */
public class NonFiniteLossException extends RuntimeException {

    private final int iteration;

    public NonFiniteLossException(int iteration, double loss) {
        super("loss became " + loss + " at iteration " + iteration
                + "; training diverged (try a smaller learning rate or standardized features)");
        this.iteration = iteration;
    }

    public int iteration() {
        return iteration;
    }
}

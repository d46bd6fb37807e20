package io.netforge.compute;

/**
 * How a network's initial weights and biases are drawn: each from N(0, sd²), in the order of
 * {@link Network#initialise}, with the standard deviation this scheme gives a layer of {@code nIn} inputs and
 * {@code nOut} units.
 */
public enum Initialization {

    /** sd 0.1 for every weight and bias: the article's. */
    NORMAL("normal") {
        @Override
        double weightSd(int nIn, int nOut) {
            return 0.1;
        }

        @Override
        double biasSd() {
            return 0.1;
        }
    },

    /** Glorot and Bengio's: weights of sd sqrt(2 / (n_in + n_out)), biases 0. Suits tanh and sigmoid layers. */
    XAVIER("xavier") {
        @Override
        double weightSd(int nIn, int nOut) {
            return Math.sqrt(2.0 / (nIn + nOut));
        }

        @Override
        double biasSd() {
            return 0;
        }
    },

    /** He et al.'s: weights of sd sqrt(2 / n_in), biases 0. Suits ReLU layers. */
    HE("he") {
        @Override
        double weightSd(int nIn, int nOut) {
            return Math.sqrt(2.0 / nIn);
        }

        @Override
        double biasSd() {
            return 0;
        }
    };

    private final String id;

    Initialization(String id) {
        this.id = id;
    }

    /** The name the API uses. */
    public String id() {
        return id;
    }

    /** The scheme the API calls {@code id}; null when there is none. */
    public static Initialization byId(String id) {
        for (Initialization initialization : values()) {
            if (initialization.id.equals(id)) {
                return initialization;
            }
        }
        return null;
    }

    /** Standard deviation of a weight of a layer with nIn inputs and nOut units. */
    abstract double weightSd(int nIn, int nOut);

    /** Standard deviation of a bias; 0 means biases start at exactly zero and draw nothing. */
    abstract double biasSd();
}

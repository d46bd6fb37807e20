package io.netforge.compute;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The function f of a hidden layer, {@code a = f(z)}, and its slope f'(z) written in terms of the output a, as
 * the backward pass uses it: {@code delta_{i-1} = (delta_i W_i^T) * f'(z_{i-1})} (Smile's {@code f} and {@code g}).
 *
 * <p>Each activation is written once per idiom, here and in one named place of the vector kernels:
 * <ul>
 * <li>scalar ({@link #value}, {@link #slope}): prediction in plain Java and the tests' hand computations;</li>
 * <li>ND4J ({@link #apply}, {@link #multiplyBySlope}): {@link Backprop}, {@link Nd4jBlockedKernel} and
 * {@link Network#predictProbabilities};</li>
 * <li>vector lanes: {@code VectorMathF64.activate} / {@code slopeInPlace} and their float32 twins in
 * VectorMathF32, one array function per activation (see there why array functions).</li>
 * </ul>
 */
public enum Activation {

    /** f(z) = 1 / (1 + e^-z); f' = a (1 - a). The article's. */
    SIGMOID("sigmoid") {
        @Override
        public double value(double z) {
            return 1.0 / (1.0 + Math.exp(-z));
        }

        @Override
        public double slope(double a) {
            return a * (1 - a);
        }

        @Override
        void apply(INDArray z, INDArray a) {
            Nd4j.exec(new Sigmoid(z, a));
        }

        @Override
        void multiplyBySlope(INDArray delta, INDArray a) {
            delta.muli(a);   // delta a
            a.rsubi(1.0);    // 1 - a
            delta.muli(a);   // delta a (1 - a)
        }
    };

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    /** The name the API uses ({@code "sigmoid"}, ...). */
    public String id() {
        return id;
    }

    /** The activation the API calls {@code id}; null when there is none. */
    public static Activation byId(String id) {
        for (Activation activation : values()) {
            if (activation.id.equals(id)) {
                return activation;
            }
        }
        return null;
    }

    /** f(z). */
    public abstract double value(double z);

    /** f'(z) from a = f(z). */
    public abstract double slope(double a);

    /** a = f(z) element-wise; {@code a} may be {@code z}. */
    abstract void apply(INDArray z, INDArray a);

    /**
     * delta *= f'(z), from a = f(z). Overwrites {@code a}, which the backward pass no longer needs at that point
     * (a layer's activations feed only its own gradient, taken before).
     */
    abstract void multiplyBySlope(INDArray delta, INDArray a);
}

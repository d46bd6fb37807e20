package io.netforge.compute;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The function f of a hidden layer, {@code a = f(z)}, and its slope f'(z) written in terms of the output a, as
 * the backward pass uses it: {@code delta_{i-1} = (delta_i W_i^T) * f'(z_{i-1})} (Smile's {@code f} and {@code g}).
 *
 * <p>Each activation is written once per idiom, here and in one named place of the vector kernels:
 * <ul>
 * <li>scalar ({@link #value}, {@link #slope}): prediction in plain Java and the tests' hand computations;</li>
 * <li>ND4J ({@link #apply}, {@link #multiplyBySlope}): {@link Backprop}, {@link Nd4jBlockedKernel} and
 * {@link Network#predict};</li>
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
    },

    /** f(z) = tanh z; f' = 1 - a². */
    TANH("tanh") {
        @Override
        public double value(double z) {
            return Math.tanh(z);
        }

        @Override
        public double slope(double a) {
            return 1 - a * a;
        }

        @Override
        void apply(INDArray z, INDArray a) {
            Nd4j.exec(new Tanh(z, a));
        }

        @Override
        void multiplyBySlope(INDArray delta, INDArray a) {
            a.muli(a);       // a²
            a.rsubi(1.0);    // 1 - a²
            delta.muli(a);
        }
    },

    /** f(z) = max(z, 0); f' = 1 where a &gt; 0, else 0 (so f'(0) = 0, as PyTorch has it). */
    RELU("relu") {
        @Override
        public double value(double z) {
            return z < 0 ? 0.0 : z;
        }

        @Override
        public double slope(double a) {
            return a > 0 ? 1.0 : 0.0;
        }

        @Override
        void apply(INDArray z, INDArray a) {
            Nd4j.exec(new RectifiedLinear(z, a, 0.0)); // z < 0 ? 0 : z
        }

        @Override
        void multiplyBySlope(INDArray delta, INDArray a) {
            Nd4j.exec(new Step(a, a, 0.0)); // a > 0 ? 1 : 0
            delta.muli(a);
        }
    },

    /**
     * f(z) = z for z &gt; 0, else {@value #LEAKY_SLOPE} z; f' = 1 where a &gt; 0, else {@value #LEAKY_SLOPE}
     * (at 0 too, as PyTorch has it).
     */
    LEAKY_RELU("leakyRelu") {
        @Override
        public double value(double z) {
            return z < 0 ? LEAKY_SLOPE * z : z;
        }

        @Override
        public double slope(double a) {
            return a > 0 ? 1.0 : LEAKY_SLOPE;
        }

        @Override
        void apply(INDArray z, INDArray a) {
            Nd4j.exec(new LeakyReLU(z, a, LEAKY_SLOPE)); // z < 0 ? slope z : z
        }

        @Override
        void multiplyBySlope(INDArray delta, INDArray a) {
            Nd4j.exec(new Step(a, a, 0.0));                  // 1 or 0
            a.muli(1 - LEAKY_SLOPE).addi(LEAKY_SLOPE);        // 1 or the slope: 0.99 + 0.01 is exactly 1
            delta.muli(a);
        }
    },

    /** f(z) = z; f' = 1: a linear layer. */
    IDENTITY("identity") {
        @Override
        public double value(double z) {
            return z;
        }

        @Override
        public double slope(double a) {
            return 1.0;
        }

        @Override
        void apply(INDArray z, INDArray a) {
            if (a != z) {
                a.assign(z);
            }
        }

        @Override
        void multiplyBySlope(INDArray delta, INDArray a) {
            // delta * 1
        }
    };

    /** The slope of {@link #LEAKY_RELU} below zero. */
    public static final double LEAKY_SLOPE = 0.01;

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

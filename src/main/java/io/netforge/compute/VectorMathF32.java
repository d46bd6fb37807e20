package io.netforge.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorMathF64}'s array functions for floats, with exp and log1p made of IEEE operations only for the
 * same reason (every JIT tier computes the same bits); accurate to about 1 ulp of float.
 */
final class VectorMathF32 {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_256;
    static final int LANES = SPECIES.length();

    /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits. */
    private static final float SHIFTER = 0x1.8p23f;
    private static final int SHIFTER_BITS = Float.floatToRawIntBits(SHIFTER);
    private static final float LOG2E = 1.44269504f;
    /** ln 2 split so that n * LN2_HI is exact for |n| < 2^8 (Cephes' constants). */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float SQRT2 = 1.41421356f;

    // 1/k!: degree 7 on |r| <= ln(2)/2 has truncation error < 1e-8, below float's rounding
    private static final float E2 = 1.0f / 2;
    private static final float E3 = (float) (1.0 / 6);
    private static final float E4 = (float) (1.0 / 24);
    private static final float E5 = (float) (1.0 / 120);
    private static final float E6 = (float) (1.0 / 720);
    private static final float E7 = (float) (1.0 / 5040);

    private VectorMathF32() {
    }

    // Array functions written out in full on purpose: see VectorMathF64.

    // ---- what varies, switched on once per call (a layer's unit or a block), never per element

    /** values[i] = f(values[i]) for i in [from, to), to - from a multiple of the lane count. */
    static void activate(Activation activation, float[] values, int from, int to) {
        switch (activation) {
            case SIGMOID -> sigmoidInPlace(values, from, to);
            case TANH -> tanhInPlace(values, from, to);
            case RELU -> reluInPlace(values, from, to);
            case LEAKY_RELU -> leakyReluInPlace(values, from, to);
            case IDENTITY -> {
                // a = z
            }
            default -> throw new IllegalArgumentException("no vector kernel for the activation " + activation);
        }
    }

    /** a[i] = f'(z) from a[i] = f(z), in place, for i in [from, to). */
    static void slopeInPlace(Activation activation, float[] a, int from, int to) {
        switch (activation) {
            case SIGMOID -> sigmoidSlopeInPlace(a, from, to);
            case TANH -> tanhSlopeInPlace(a, from, to);
            case RELU -> stepInPlace(a, from, to, 0f);
            case LEAKY_RELU -> stepInPlace(a, from, to, (float) Activation.LEAKY_SLOPE);
            case IDENTITY -> java.util.Arrays.fill(a, from, to, 1f);
            default -> throw new IllegalArgumentException("no vector kernel for the activation " + activation);
        }
    }

    /** {@link VectorMathF64#outputLoss} in float. */
    static void outputLoss(Objective objective, float[] delta, int outputs, int b, float[] labels, int yAt,
            float[] weights, int wAt, int end, float[] sums, int at, float[] linear, float[] small, float[] extra) {
        switch (objective) {
            case SIGMOID_CROSS_ENTROPY -> {
                lossTermParts(delta, labels, yAt, end, linear, small);
                addLossTerms(linear, small, weights, wAt, end, sums, at);
                sigmoidInPlace(delta, 0, end);
                weightedDifference(delta, labels, yAt, weights, wAt, end);
            }
            case SQUARED_ERROR -> squaredError(delta, labels, yAt, weights, wAt, end, sums, at);
            case SOFTMAX_CROSS_ENTROPY -> {
                softmaxMaxAndDot(delta, outputs, b, labels, yAt, end, linear, extra);
                for (int j = 0; j < outputs; j++) {
                    subtract(delta, j * b, linear, end);
                    expInPlace(delta, j * b, j * b + end);
                }
                java.util.Arrays.fill(small, 0, end, 0f);
                for (int j = 0; j < outputs; j++) {
                    accumulate(small, delta, j * b, end);
                }
                softmaxLossTerms(small, linear, extra, weights, wAt, end, sums, at);
                for (int j = 0; j < outputs; j++) {
                    softmaxDelta(delta, j * b, small, labels, yAt + j * b, weights, wAt, end);
                }
            }
            default -> throw new IllegalArgumentException("no vector kernel for the objective " + objective);
        }
    }

    /** values[i] = (values[i] - labels[yAt + i]) * weights[wAt + i]: a - y, weighted, 0 on padded rows. */
    static void weightedDifference(float[] values, float[] labels, int yAt, float[] weights, int wAt, int end) {
        for (int i = 0; i < end; i += LANES) {
            FloatVector.fromArray(SPECIES, values, i).sub(FloatVector.fromArray(SPECIES, labels, yAt + i))
                    .mul(FloatVector.fromArray(SPECIES, weights, wAt + i)).intoArray(values, i);
        }
    }

    // ---- squared error

    /** {@link VectorMathF64#squaredError} in float. */
    static void squaredError(float[] z, float[] labels, int yAt, float[] weights, int wAt, int end, float[] sums,
            int at) {
        FloatVector total = FloatVector.zero(SPECIES);
        for (int i = 0; i < end; i += LANES) {
            FloatVector w = FloatVector.fromArray(SPECIES, weights, wAt + i);
            FloatVector error = FloatVector.fromArray(SPECIES, z, i).sub(FloatVector.fromArray(SPECIES, labels, yAt + i));
            total = total.add(error.mul(error).mul(w));
            error.mul(2f).mul(w).intoArray(z, i);
        }
        FloatVector.fromArray(SPECIES, sums, at).add(total).intoArray(sums, at);
    }

    // ---- softmax: VectorMathF64's functions in float

    static void softmaxMaxAndDot(float[] z, int outputs, int b, float[] labels, int yAt, int end, float[] max,
            float[] dot) {
        for (int i = 0; i < end; i += LANES) {
            FloatVector m = FloatVector.fromArray(SPECIES, z, i);
            FloatVector d = m.mul(FloatVector.fromArray(SPECIES, labels, yAt + i));
            for (int j = 1; j < outputs; j++) {
                FloatVector v = FloatVector.fromArray(SPECIES, z, j * b + i);
                m = m.max(v);
                d = v.fma(FloatVector.fromArray(SPECIES, labels, yAt + j * b + i), d);
            }
            m.intoArray(max, i);
            d.intoArray(dot, i);
        }
    }

    static void subtract(float[] values, int from, float[] by, int end) {
        for (int i = 0; i < end; i += LANES) {
            FloatVector.fromArray(SPECIES, values, from + i).sub(FloatVector.fromArray(SPECIES, by, i))
                    .intoArray(values, from + i);
        }
    }

    static void accumulate(float[] into, float[] values, int from, int end) {
        for (int i = 0; i < end; i += LANES) {
            FloatVector.fromArray(SPECIES, into, i).add(FloatVector.fromArray(SPECIES, values, from + i))
                    .intoArray(into, i);
        }
    }

    static void softmaxLossTerms(float[] sum, float[] max, float[] dot, float[] weights, int wAt, int end,
            float[] sums, int at) {
        FloatVector one = bc(1f);
        FloatVector total = FloatVector.zero(SPECIES);
        for (int i = 0; i < end; i += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, sum, i);
            IntVector bits = x.reinterpretAsInts();
            IntVector biased = bits.lanewise(VectorOperators.LSHR, 23);
            FloatVector m = bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats(); // [1, 2)
            FloatVector k = biased.sub(127).add(SHIFTER_BITS).reinterpretAsFloats().sub(SHIFTER);
            VectorMask<Float> upper = m.compare(VectorOperators.GT, SQRT2);
            m = m.blend(m.mul(0.5f), upper);
            k = k.add(FloatVector.zero(SPECIES).blend(one, upper));
            FloatVector f = m.sub(one);
            FloatVector s = f.div(f.add(2f));
            FloatVector s2 = s.mul(s);
            FloatVector series = s2.fma(1f / 13, 1f / 11);
            series = series.fma(s2, bc(1f / 9));
            series = series.fma(s2, bc(1f / 7));
            series = series.fma(s2, bc(1f / 5));
            series = series.fma(s2, bc(1f / 3));
            FloatVector twoS = s.add(s);
            FloatVector logM = twoS.fma(s2.mul(series), twoS);
            FloatVector log = k.fma(bc(LN2_HI), logM.add(k.mul(LN2_LO)));
            FloatVector term = FloatVector.fromArray(SPECIES, max, i).add(log).sub(FloatVector.fromArray(SPECIES, dot, i));
            total = total.add(term.mul(FloatVector.fromArray(SPECIES, weights, wAt + i)));
        }
        FloatVector.fromArray(SPECIES, sums, at).add(total).intoArray(sums, at);
    }

    static void softmaxDelta(float[] e, int from, float[] sum, float[] labels, int yAt, float[] weights, int wAt,
            int end) {
        for (int i = 0; i < end; i += LANES) {
            FloatVector.fromArray(SPECIES, e, from + i).div(FloatVector.fromArray(SPECIES, sum, i))
                    .sub(FloatVector.fromArray(SPECIES, labels, yAt + i))
                    .mul(FloatVector.fromArray(SPECIES, weights, wAt + i)).intoArray(e, from + i);
        }
    }

    /** values[i] = e^values[i] for values of at most 0; below -86, e^-86. */
    static void expInPlace(float[] values, int from, int to) {
        FloatVector one = bc(1f);
        for (int i = from; i < to; i += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, values, i);
            FloatVector clamped = atLeast(x, -86f);
            FloatVector shifted = clamped.fma(LOG2E, SHIFTER);
            FloatVector n = shifted.sub(SHIFTER);
            FloatVector r = n.fma(bc(-LN2_HI), clamped).sub(n.mul(LN2_LO));
            FloatVector p = r.fma(E7, E6);
            p = p.fma(r, bc(E5));
            p = p.fma(r, bc(E4));
            p = p.fma(r, bc(E3));
            p = p.fma(r, bc(E2));
            p = p.fma(r, one);
            p = p.fma(r, one);
            IntVector exponent = shifted.reinterpretAsInts().sub(SHIFTER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
            p.add(p).mul(exponent.reinterpretAsFloats()).intoArray(values, i);
        }
    }

    // ---- rectifiers

    /** values[i] = max(values[i], 0), as {@code z < 0 ? 0 : z} (NaN stays NaN). */
    static void reluInPlace(float[] values, int from, int to) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int i = from; i < to; i += LANES) {
            FloatVector z = FloatVector.fromArray(SPECIES, values, i);
            z.blend(zero, z.compare(VectorOperators.LT, 0f)).intoArray(values, i);
        }
    }

    /** values[i] = z &lt; 0 ? 0.01 z : z, the slope rounded to float as ND4J and PyTorch apply it to floats. */
    static void leakyReluInPlace(float[] values, int from, int to) {
        float slope = (float) Activation.LEAKY_SLOPE;
        for (int i = from; i < to; i += LANES) {
            FloatVector z = FloatVector.fromArray(SPECIES, values, i);
            z.blend(z.mul(slope), z.compare(VectorOperators.LT, 0f)).intoArray(values, i);
        }
    }

    /** a[i] = a[i] &gt; 0 ? 1 : below: the rectifiers' slope from their value. */
    static void stepInPlace(float[] a, int from, int to, float below) {
        FloatVector one = bc(1f);
        FloatVector low = bc(below);
        for (int i = from; i < to; i += LANES) {
            low.blend(one, FloatVector.fromArray(SPECIES, a, i).compare(VectorOperators.GT, 0f)).intoArray(a, i);
        }
    }

    // ---- tanh

    /** {@link VectorMathF64#tanhInPlace} in float: |z| &gt; 10 gives exactly 1. */
    static void tanhInPlace(float[] values, int from, int to) {
        FloatVector one = bc(1f);
        for (int i = from; i < to; i += LANES) {
            FloatVector z = FloatVector.fromArray(SPECIES, values, i);
            FloatVector w = z.abs().mul(-2f); // exact
            // clamped at -20, where e^w - 1 is -1 in float
            w = atLeast(w, -20f);
            FloatVector shifted = w.fma(LOG2E, SHIFTER);
            FloatVector n = shifted.sub(SHIFTER); // round(w / ln 2), in [-29, 0]
            FloatVector r = n.fma(bc(-LN2_HI), w).sub(n.mul(LN2_LO)); // w - n ln 2, |r| <= 0.347
            FloatVector p = r.fma(E7, E6);
            p = p.fma(r, bc(E5));
            p = p.fma(r, bc(E4));
            p = p.fma(r, bc(E3));
            p = p.fma(r, bc(E2));
            p = p.fma(r, one);
            FloatVector q = p.mul(r); // e^r - 1, without the 1 that would cancel
            // e^w - 1 = 2^n (e^r - 1) + (2^n - 1), 2^n from its exponent bits; 2^n - 1 is exact
            FloatVector scale = shifted.reinterpretAsInts().sub(SHIFTER_BITS - 127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector u = q.fma(scale, scale.sub(one));
            FloatVector t = u.neg().div(u.add(2f));
            t.blend(t.neg(), z.compare(VectorOperators.LT, 0f)).intoArray(values, i);
        }
    }

    /** a[i] = 1 - a[i]²: tanh's slope from its value. */
    static void tanhSlopeInPlace(float[] a, int from, int to) {
        FloatVector one = bc(1f);
        for (int i = from; i < to; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, a, i);
            one.sub(v.mul(v)).intoArray(a, i);
        }
    }

    // ---- sigmoid

    /** a[i] = a[i] (1 - a[i]): the sigmoid's slope from its value. */
    static void sigmoidSlopeInPlace(float[] a, int from, int to) {
        FloatVector one = bc(1f);
        for (int i = from; i < to; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, a, i);
            v.mul(one.sub(v)).intoArray(a, i);
        }
    }

    /**
     * values[i] = 1 / (1 + e^-values[i]) for i in [from, to) rounded up to a multiple of two vectors (16 floats):
     * the kernel's blocks have room, and the extra lanes are never read. Two vectors per step only so that this
     * method is longer than C2 inlines (see VectorMathF64).
     */
    static void sigmoidInPlace(float[] values, int from, int to) {
        FloatVector one = bc(1f);
        for (int i = from; i < to; i += 2 * LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, values, i).neg();
            FloatVector x2 = FloatVector.fromArray(SPECIES, values, i + LANES).neg();
            // e^x: clamped so that 2^(n-1) below has a normal exponent; max and min keep NaN. Only steps with a
            // lane outside +-86 pay for Java's max and min (see VectorMathF64, also for why a branch here).
            FloatVector clamped = x;
            FloatVector clamped2 = x2;
            if (x.abs().compare(VectorOperators.GT, 86f).or(x2.abs().compare(VectorOperators.GT, 86f)).anyTrue()) {
                clamped = x.max(-86f).min(88.8f);
                clamped2 = x2.max(-86f).min(88.8f);
            }
            FloatVector shifted = clamped.fma(LOG2E, SHIFTER);
            FloatVector shifted2 = clamped2.fma(LOG2E, SHIFTER);
            FloatVector n = shifted.sub(SHIFTER); // round(x / ln 2)
            FloatVector n2 = shifted2.sub(SHIFTER);
            FloatVector r = n.fma(bc(-LN2_HI), clamped).sub(n.mul(LN2_LO)); // x - n ln 2, |r| <= 0.347
            FloatVector r2 = n2.fma(bc(-LN2_HI), clamped2).sub(n2.mul(LN2_LO));
            FloatVector p = r.fma(E7, E6);
            FloatVector p2 = r2.fma(E7, E6);
            p = p.fma(r, bc(E5));
            p2 = p2.fma(r2, bc(E5));
            p = p.fma(r, bc(E4));
            p2 = p2.fma(r2, bc(E4));
            p = p.fma(r, bc(E3));
            p2 = p2.fma(r2, bc(E3));
            p = p.fma(r, bc(E2));
            p2 = p2.fma(r2, bc(E2));
            p = p.fma(r, one);
            p2 = p2.fma(r2, one);
            p = p.fma(r, one);
            p2 = p2.fma(r2, one);
            // times 2^(n-1) from its exponent bits, and 2: n = 128 (x just below 88.72) still has an exponent
            IntVector exponent = shifted.reinterpretAsInts().sub(SHIFTER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
            IntVector exponent2 = shifted2.reinterpretAsInts().sub(SHIFTER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.add(p).mul(exponent.reinterpretAsFloats());
            FloatVector e2 = p2.add(p2).mul(exponent2.reinterpretAsFloats());
            one.div(e.add(one)).intoArray(values, i);
            one.div(e2.add(one)).intoArray(values, i + LANES);
        }
    }

    /**
     * The loss terms max(z,0) - z y + log1p(e^-|z|) for z = logits[i], y = labels[yAt + i], i in [0, end), in two
     * passes (one would be too large for C2 to inline all of its vector calls), two vectors per step as in
     * {@link #sigmoidInPlace} (so [0, end) is rounded up to 16 floats): this one leaves
     * {@code linear[i] = max(z,0) - z y} and {@code small[i] = e^-|z|}; {@link #addLossTerms} finishes.
     */
    static void lossTermParts(float[] logits, float[] labels, int yAt, int end, float[] linear, float[] small) {
        FloatVector one = bc(1f);
        for (int i = 0; i < end; i += 2 * LANES) {
            FloatVector z = FloatVector.fromArray(SPECIES, logits, i);
            FloatVector z2 = FloatVector.fromArray(SPECIES, logits, i + LANES);
            // u = e^-|z|, as in sigmoidInPlace
            FloatVector clamped = atLeast(z.abs().neg(), -86f);
            FloatVector clamped2 = atLeast(z2.abs().neg(), -86f);
            FloatVector shifted = clamped.fma(LOG2E, SHIFTER);
            FloatVector shifted2 = clamped2.fma(LOG2E, SHIFTER);
            FloatVector n = shifted.sub(SHIFTER);
            FloatVector n2 = shifted2.sub(SHIFTER);
            FloatVector r = n.fma(bc(-LN2_HI), clamped).sub(n.mul(LN2_LO));
            FloatVector r2 = n2.fma(bc(-LN2_HI), clamped2).sub(n2.mul(LN2_LO));
            FloatVector p = r.fma(E7, E6);
            FloatVector p2 = r2.fma(E7, E6);
            p = p.fma(r, bc(E5));
            p2 = p2.fma(r2, bc(E5));
            p = p.fma(r, bc(E4));
            p2 = p2.fma(r2, bc(E4));
            p = p.fma(r, bc(E3));
            p2 = p2.fma(r2, bc(E3));
            p = p.fma(r, bc(E2));
            p2 = p2.fma(r2, bc(E2));
            p = p.fma(r, one);
            p2 = p2.fma(r2, one);
            p = p.fma(r, one);
            p2 = p2.fma(r2, one);
            IntVector exponent = shifted.reinterpretAsInts().sub(SHIFTER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
            IntVector exponent2 = shifted2.reinterpretAsInts().sub(SHIFTER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
            p.add(p).mul(exponent.reinterpretAsFloats()).intoArray(small, i);
            p2.add(p2).mul(exponent2.reinterpretAsFloats()).intoArray(small, i + LANES);
            z.max(0f).sub(z.mul(FloatVector.fromArray(SPECIES, labels, yAt + i))).intoArray(linear, i);
            z2.max(0f).sub(z2.mul(FloatVector.fromArray(SPECIES, labels, yAt + i + LANES))).intoArray(linear, i + LANES);
        }
    }

    /**
     * Sum over i in [0, end) of weights[yAt + i] (linear[i] + log1p(small[i])), from {@link #lossTermParts}, added
     * lane by lane into sums[at .. at + LANES).
     */
    static void addLossTerms(float[] linear, float[] small, float[] weights, int yAt, int end, float[] sums, int at) {
        FloatVector one = bc(1f);
        FloatVector total = FloatVector.zero(SPECIES);
        for (int i = 0; i < end; i += LANES) {
            FloatVector u = FloatVector.fromArray(SPECIES, small, i);
            // log1p(u) for u in (0, 1]
            FloatVector w = u.add(one); // in [1, 2]
            FloatVector correction = u.sub(w.sub(one)).div(w); // log(1 + u) = log(w) + (1 + u - w) / w, to first order
            VectorMask<Float> upper = w.compare(VectorOperators.GT, SQRT2);
            FloatVector m = w.blend(w.mul(0.5f), upper); // w = 2^k m, m in [0.707, 1.414]
            FloatVector k = FloatVector.zero(SPECIES).blend(one, upper);
            FloatVector f = m.sub(one); // exact
            FloatVector s = f.div(f.add(2f)); // log(m) = 2 atanh(s), |s| <= 0.172
            FloatVector s2 = s.mul(s);
            // 2s (1 + s^2/3 + ... + s^12/13): truncation error < 1e-9
            FloatVector series = s2.fma(1f / 13, 1f / 11);
            series = series.fma(s2, bc(1f / 9));
            series = series.fma(s2, bc(1f / 7));
            series = series.fma(s2, bc(1f / 5));
            series = series.fma(s2, bc(1f / 3));
            FloatVector twoS = s.add(s);
            FloatVector logM = twoS.fma(s2.mul(series), twoS);
            FloatVector log1p = k.fma(bc(LN2_HI), logM.add(k.fma(bc(LN2_LO), correction)));
            FloatVector term = FloatVector.fromArray(SPECIES, linear, i).add(log1p);
            total = total.add(term.mul(FloatVector.fromArray(SPECIES, weights, yAt + i)));
        }
        FloatVector.fromArray(SPECIES, sums, at).add(total).intoArray(sums, at);
    }

    /**
     * max(x, low) lane by lane, for a low bound below zero, as a compare and a blend (NaN stays NaN, as with Java's
     * max, which costs several instructions for its NaN and -0.0 rules). No branch on the rare lane out of range:
     * C2 compiles a branch that a method's profile never saw taken as a trap, and a job whose values first take it
     * would run that method interpreted, then at tier 3, until C2 compiles it again (a first multi-class job 3x
     * its warm time, when the warm-up had taken the trap in the softmax's exp).
     */
    private static FloatVector atLeast(FloatVector x, float low) {
        return x.blend(low, x.compare(VectorOperators.LT, low));
    }

    private static FloatVector bc(float value) {
        return FloatVector.broadcast(SPECIES, value);
    }
}

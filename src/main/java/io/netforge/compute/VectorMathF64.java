package io.netforge.compute;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The logistic function and the loss terms on arrays of doubles, with exp and log1p made only of IEEE operations (add, multiply, fused multiply-add,
 * divide, compare, bit shifts), so that every JIT tier computes the same bits.
 *
 * <p>Why not {@code lanewise(EXP)}: the Vector API computes it with a vector math library once C2 has compiled
 * the loop, and with {@code Math.exp} lane by lane before that. The two differ in the last bit for some inputs,
 * so a training's result would depend on how warm the JVM was, and on the article's chaotic workload such a bit
 * becomes a different model. exp and log1p here are accurate to about 1 ulp; VectorMathTest checks them
 * against {@link Math#exp} and {@link Math#log1p}.
 */
final class VectorMathF64 {

    static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_256;
    static final int LANES = SPECIES.length();

    /** 1.5 * 2^52: adding it rounds a double of magnitude < 2^51 to an integer held in the low mantissa bits. */
    private static final double SHIFTER = 0x1.8p52;
    private static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);
    private static final double LOG2E = 1.4426950408889634;
    /** ln 2 split so that n * LN2_HI is exact for |n| < 2^11 (fdlibm's ln2_hi, ln2_lo). */
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double SQRT2 = 1.4142135623730951;

    // 1/k!: the Taylor polynomial of e^r to degree 13 on |r| <= ln(2)/2 has truncation error < 1e-17
    private static final double E2 = 1.0 / 2;
    private static final double E3 = E2 / 3;
    private static final double E4 = E3 / 4;
    private static final double E5 = E4 / 5;
    private static final double E6 = E5 / 6;
    private static final double E7 = E6 / 7;
    private static final double E8 = E7 / 8;
    private static final double E9 = E8 / 9;
    private static final double E10 = E9 / 10;
    private static final double E11 = E10 / 11;
    private static final double E12 = E11 / 12;
    private static final double E13 = E12 / 13;

    private VectorMathF64() {
    }

    // These are array functions on purpose. A method that takes or returns vectors must be inlined by C2, or the
    // vectors are boxed (10-50x slower), and C2 stops inlining the math once a caller is large. So the math is
    // written out inside each loop, and each function is longer than C2 inlines into a caller (FreqInlineSize,
    // 325 bytes): it is compiled on its own, with every Vector API call inlined. Hence the copies of exp's steps
    // (in the sigmoid, the loss terms and tanh).

    // ---- what varies, switched on once per call (a layer's unit or a block), never per element

    /** values[i] = f(values[i]) for i in [from, to), to - from a multiple of the lane count. */
    static void activate(Activation activation, double[] values, int from, int to) {
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
    static void slopeInPlace(Activation activation, double[] a, int from, int to) {
        switch (activation) {
            case SIGMOID -> sigmoidSlopeInPlace(a, from, to);
            case TANH -> tanhSlopeInPlace(a, from, to);
            case RELU -> stepInPlace(a, from, to, 0.0);
            case LEAKY_RELU -> stepInPlace(a, from, to, Activation.LEAKY_SLOPE);
            case IDENTITY -> java.util.Arrays.fill(a, from, to, 1.0);
            default -> throw new IllegalArgumentException("no vector kernel for the activation " + activation);
        }
    }

    /**
     * The output layer's part of a block of B rows: from the logits z of its {@code outputs} units in
     * {@code delta} (unit-major, unit j's rows at {@code j * b}, rows [0, end)), their labels in {@code labels}
     * (the same layout from {@code yAt}) and the row weights from {@code wAt}, adds the weighted loss terms lane by
     * lane into {@code sums[at .. at + LANES)} and turns {@code delta} into the weighted output delta w (dloss/dz).
     * {@code linear}, {@code small} and {@code extra} are scratch of {@code end} values.
     */
    static void outputLoss(Objective objective, double[] delta, int outputs, int b, double[] labels, int yAt,
            double[] weights, int wAt, int end, double[] sums, int at, double[] linear, double[] small,
            double[] extra) {
        switch (objective) {
            case SIGMOID_CROSS_ENTROPY -> {
                lossTermParts(delta, labels, yAt, end, linear, small);
                addLossTerms(linear, small, weights, wAt, end, sums, at);
                sigmoidInPlace(delta, 0, end);
                weightedDifference(delta, labels, yAt, weights, wAt, end);
            }
            case SQUARED_ERROR -> squaredError(delta, labels, yAt, weights, wAt, end, sums, at);
            case SOFTMAX_CROSS_ENTROPY -> {
                // max_j z_j and sum_j y_j z_j of each row, then z_j - max, e^(z_j - max), their sum S, its log:
                // loss = max + log S - sum_j y_j z_j; delta_j = (e^(z_j - max) / S - y_j) w
                softmaxMaxAndDot(delta, outputs, b, labels, yAt, end, linear, extra);
                for (int j = 0; j < outputs; j++) {
                    subtract(delta, j * b, linear, end);
                    expInPlace(delta, j * b, j * b + end);
                }
                java.util.Arrays.fill(small, 0, end, 0.0);
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
    static void weightedDifference(double[] values, double[] labels, int yAt, double[] weights, int wAt, int end) {
        for (int i = 0; i < end; i += LANES) {
            DoubleVector.fromArray(SPECIES, values, i).sub(DoubleVector.fromArray(SPECIES, labels, yAt + i))
                    .mul(DoubleVector.fromArray(SPECIES, weights, wAt + i)).intoArray(values, i);
        }
    }

    // ---- squared error

    /** sums += w (z - y)² lane by lane; z becomes the delta 2 (z - y) w. */
    static void squaredError(double[] z, double[] labels, int yAt, double[] weights, int wAt, int end, double[] sums,
            int at) {
        DoubleVector total = DoubleVector.zero(SPECIES);
        for (int i = 0; i < end; i += LANES) {
            DoubleVector w = DoubleVector.fromArray(SPECIES, weights, wAt + i);
            DoubleVector error = DoubleVector.fromArray(SPECIES, z, i).sub(DoubleVector.fromArray(SPECIES, labels, yAt + i));
            total = total.add(error.mul(error).mul(w));
            error.mul(2.0).mul(w).intoArray(z, i);
        }
        DoubleVector.fromArray(SPECIES, sums, at).add(total).intoArray(sums, at);
    }

    // ---- softmax

    /** max[i] = max_j z_j and dot[i] = sum_j y_j z_j of each row i (units j at z[j * b + i], labels likewise). */
    static void softmaxMaxAndDot(double[] z, int outputs, int b, double[] labels, int yAt, int end, double[] max,
            double[] dot) {
        for (int i = 0; i < end; i += LANES) {
            DoubleVector m = DoubleVector.fromArray(SPECIES, z, i);
            DoubleVector d = m.mul(DoubleVector.fromArray(SPECIES, labels, yAt + i));
            for (int j = 1; j < outputs; j++) {
                DoubleVector v = DoubleVector.fromArray(SPECIES, z, j * b + i);
                m = m.max(v);
                d = v.fma(DoubleVector.fromArray(SPECIES, labels, yAt + j * b + i), d);
            }
            m.intoArray(max, i);
            d.intoArray(dot, i);
        }
    }

    /** values[from + i] -= by[i]. */
    static void subtract(double[] values, int from, double[] by, int end) {
        for (int i = 0; i < end; i += LANES) {
            DoubleVector.fromArray(SPECIES, values, from + i).sub(DoubleVector.fromArray(SPECIES, by, i))
                    .intoArray(values, from + i);
        }
    }

    /** into[i] += values[from + i]. */
    static void accumulate(double[] into, double[] values, int from, int end) {
        for (int i = 0; i < end; i += LANES) {
            DoubleVector.fromArray(SPECIES, into, i).add(DoubleVector.fromArray(SPECIES, values, from + i))
                    .intoArray(into, i);
        }
    }

    /** sums += w (max + log S - dot) lane by lane, for the row sums S (each at least 1) of the exponentials. */
    static void softmaxLossTerms(double[] sum, double[] max, double[] dot, double[] weights, int wAt, int end,
            double[] sums, int at) {
        DoubleVector one = bc(1.0);
        DoubleVector total = DoubleVector.zero(SPECIES);
        for (int i = 0; i < end; i += LANES) {
            // log S for S in [1, K]: S = 2^k m, m in [0.707, 1.414], log m = 2 atanh(s) as in addLossTerms
            DoubleVector x = DoubleVector.fromArray(SPECIES, sum, i);
            LongVector bits = x.reinterpretAsLongs();
            LongVector biased = bits.lanewise(VectorOperators.LSHR, 52); // S >= 1: the sign bit is 0
            DoubleVector m = bits.and(0x000FFFFFFFFFFFFFL).or(0x3FF0000000000000L).reinterpretAsDoubles(); // [1, 2)
            // k as a double without a conversion instruction: 2^52 + k, read back, minus 2^52
            DoubleVector k = biased.sub(1023L).add(SHIFTER_BITS).reinterpretAsDoubles().sub(SHIFTER);
            VectorMask<Double> upper = m.compare(VectorOperators.GT, SQRT2);
            m = m.blend(m.mul(0.5), upper);
            k = k.add(DoubleVector.zero(SPECIES).blend(one, upper));
            DoubleVector f = m.sub(one);
            DoubleVector s = f.div(f.add(2.0));
            DoubleVector s2 = s.mul(s);
            DoubleVector series = s2.fma(1.0 / 21, 1.0 / 19);
            series = series.fma(s2, bc(1.0 / 17));
            series = series.fma(s2, bc(1.0 / 15));
            series = series.fma(s2, bc(1.0 / 13));
            series = series.fma(s2, bc(1.0 / 11));
            series = series.fma(s2, bc(1.0 / 9));
            series = series.fma(s2, bc(1.0 / 7));
            series = series.fma(s2, bc(1.0 / 5));
            series = series.fma(s2, bc(1.0 / 3));
            DoubleVector twoS = s.add(s);
            DoubleVector logM = twoS.fma(s2.mul(series), twoS);
            DoubleVector log = k.fma(bc(LN2_HI), logM.add(k.mul(LN2_LO)));
            DoubleVector term = DoubleVector.fromArray(SPECIES, max, i).add(log).sub(DoubleVector.fromArray(SPECIES, dot, i));
            total = total.add(term.mul(DoubleVector.fromArray(SPECIES, weights, wAt + i)));
        }
        DoubleVector.fromArray(SPECIES, sums, at).add(total).intoArray(sums, at);
    }

    /** e[from + i] = (e[from + i] / sum[i] - labels[yAt + i]) * weights[wAt + i]: the weighted softmax delta. */
    static void softmaxDelta(double[] e, int from, double[] sum, double[] labels, int yAt, double[] weights, int wAt,
            int end) {
        for (int i = 0; i < end; i += LANES) {
            DoubleVector.fromArray(SPECIES, e, from + i).div(DoubleVector.fromArray(SPECIES, sum, i))
                    .sub(DoubleVector.fromArray(SPECIES, labels, yAt + i))
                    .mul(DoubleVector.fromArray(SPECIES, weights, wAt + i)).intoArray(e, from + i);
        }
    }

    /** values[i] = e^values[i] for values of at most 0 (the softmax's shifted logits); below -707, e^-707. */
    static void expInPlace(double[] values, int from, int to) {
        DoubleVector one = bc(1.0);
        for (int i = from; i < to; i += LANES) {
            DoubleVector x = DoubleVector.fromArray(SPECIES, values, i);
            DoubleVector clamped = atLeast(x, -707.0);
            DoubleVector shifted = clamped.fma(LOG2E, SHIFTER);
            DoubleVector n = shifted.sub(SHIFTER);
            DoubleVector r = n.fma(bc(-LN2_HI), clamped).add(n.mul(-LN2_LO));
            DoubleVector p = r.fma(E13, E12);
            p = p.fma(r, bc(E11));
            p = p.fma(r, bc(E10));
            p = p.fma(r, bc(E9));
            p = p.fma(r, bc(E8));
            p = p.fma(r, bc(E7));
            p = p.fma(r, bc(E6));
            p = p.fma(r, bc(E5));
            p = p.fma(r, bc(E4));
            p = p.fma(r, bc(E3));
            p = p.fma(r, bc(E2));
            p = p.fma(r, one);
            p = p.fma(r, one);
            LongVector exponent = shifted.reinterpretAsLongs().sub(SHIFTER_BITS - 1022L).lanewise(VectorOperators.LSHL, 52);
            p.add(p).mul(exponent.reinterpretAsDoubles()).intoArray(values, i);
        }
    }

    // ---- rectifiers

    /** values[i] = max(values[i], 0), as {@code z < 0 ? 0 : z} (NaN stays NaN). */
    static void reluInPlace(double[] values, int from, int to) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        for (int i = from; i < to; i += LANES) {
            DoubleVector z = DoubleVector.fromArray(SPECIES, values, i);
            z.blend(zero, z.compare(VectorOperators.LT, 0.0)).intoArray(values, i);
        }
    }

    /** values[i] = z &lt; 0 ? 0.01 z : z. */
    static void leakyReluInPlace(double[] values, int from, int to) {
        for (int i = from; i < to; i += LANES) {
            DoubleVector z = DoubleVector.fromArray(SPECIES, values, i);
            z.blend(z.mul(Activation.LEAKY_SLOPE), z.compare(VectorOperators.LT, 0.0)).intoArray(values, i);
        }
    }

    /** a[i] = a[i] &gt; 0 ? 1 : below: the rectifiers' slope from their value. */
    static void stepInPlace(double[] a, int from, int to, double below) {
        DoubleVector one = bc(1.0);
        DoubleVector low = bc(below);
        for (int i = from; i < to; i += LANES) {
            low.blend(one, DoubleVector.fromArray(SPECIES, a, i).compare(VectorOperators.GT, 0.0)).intoArray(a, i);
        }
    }

    // ---- tanh

    /**
     * values[i] = tanh(values[i]) = sign(z) u' for u = expm1(-2|z|), u' = -u / (2 + u): e^-2|z| - 1 computed
     * without cancellation (below), so small |z| keep their relative accuracy; |z| &gt; 22 gives exactly 1.
     */
    static void tanhInPlace(double[] values, int from, int to) {
        DoubleVector one = bc(1.0);
        for (int i = from; i < to; i += LANES) {
            DoubleVector z = DoubleVector.fromArray(SPECIES, values, i);
            DoubleVector w = z.abs().mul(-2.0); // exact
            // clamped at -44, where e^w - 1 is -1 to 19 digits
            w = atLeast(w, -44.0);
            DoubleVector shifted = w.fma(LOG2E, SHIFTER);
            DoubleVector n = shifted.sub(SHIFTER); // round(w / ln 2), in [-64, 0]
            DoubleVector r = n.fma(bc(-LN2_HI), w).add(n.mul(-LN2_LO)); // w - n ln 2, |r| <= 0.347
            DoubleVector p = r.fma(E13, E12);
            p = p.fma(r, bc(E11));
            p = p.fma(r, bc(E10));
            p = p.fma(r, bc(E9));
            p = p.fma(r, bc(E8));
            p = p.fma(r, bc(E7));
            p = p.fma(r, bc(E6));
            p = p.fma(r, bc(E5));
            p = p.fma(r, bc(E4));
            p = p.fma(r, bc(E3));
            p = p.fma(r, bc(E2));
            p = p.fma(r, one);
            DoubleVector q = p.mul(r); // e^r - 1, without the 1 that would cancel
            // e^w - 1 = 2^n (e^r - 1) + (2^n - 1), 2^n from its exponent bits; 2^n - 1 is exact
            DoubleVector scale = shifted.reinterpretAsLongs().sub(SHIFTER_BITS - 1023L)
                    .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector u = q.fma(scale, scale.sub(one));
            DoubleVector t = u.neg().div(u.add(2.0));
            t.blend(t.neg(), z.compare(VectorOperators.LT, 0.0)).intoArray(values, i);
        }
    }

    /** a[i] = 1 - a[i]²: tanh's slope from its value. */
    static void tanhSlopeInPlace(double[] a, int from, int to) {
        DoubleVector one = bc(1.0);
        for (int i = from; i < to; i += LANES) {
            DoubleVector v = DoubleVector.fromArray(SPECIES, a, i);
            one.sub(v.mul(v)).intoArray(a, i);
        }
    }

    // ---- sigmoid

    /** a[i] = a[i] (1 - a[i]): the sigmoid's slope from its value. */
    static void sigmoidSlopeInPlace(double[] a, int from, int to) {
        DoubleVector one = bc(1.0);
        for (int i = from; i < to; i += LANES) {
            DoubleVector v = DoubleVector.fromArray(SPECIES, a, i);
            v.mul(one.sub(v)).intoArray(a, i);
        }
    }

    /** values[i] = 1 / (1 + e^-values[i]) for i in [from, to), to - from a multiple of the lane count. */
    static void sigmoidInPlace(double[] values, int from, int to) {
        DoubleVector one = bc(1.0);
        for (int i = from; i < to; i += LANES) {
            DoubleVector x = DoubleVector.fromArray(SPECIES, values, i).neg();
            // e^x: clamped so that 2^(n-1) below has a normal exponent; max and min keep NaN. Java's max and min
            // cost several instructions each (NaN and -0.0 rules), so only vectors with a lane outside +-707 pay
            // them; clamping the others would change nothing. A branch, unlike the other clamps (see atLeast): this
            // is the article's hot path, and the warm-up's first run takes the branch (its rows far out), so C2
            // never compiles it as a trap.
            DoubleVector clamped = x;
            if (x.abs().compare(VectorOperators.GT, 707.0).anyTrue()) {
                clamped = x.max(-707.0).min(710.0);
            }
            DoubleVector shifted = clamped.fma(LOG2E, SHIFTER);
            DoubleVector n = shifted.sub(SHIFTER); // round(x / ln 2)
            DoubleVector r = n.fma(bc(-LN2_HI), clamped).add(n.mul(-LN2_LO)); // x - n ln 2, |r| <= 0.347
            DoubleVector p = r.fma(E13, E12);
            p = p.fma(r, bc(E11));
            p = p.fma(r, bc(E10));
            p = p.fma(r, bc(E9));
            p = p.fma(r, bc(E8));
            p = p.fma(r, bc(E7));
            p = p.fma(r, bc(E6));
            p = p.fma(r, bc(E5));
            p = p.fma(r, bc(E4));
            p = p.fma(r, bc(E3));
            p = p.fma(r, bc(E2));
            p = p.fma(r, one);
            p = p.fma(r, one);
            // times 2^(n-1) from its exponent bits, and 2: n = 1024 (x just below 709.78) still has an exponent
            LongVector exponent = shifted.reinterpretAsLongs().sub(SHIFTER_BITS - 1022L).lanewise(VectorOperators.LSHL, 52);
            DoubleVector e = p.add(p).mul(exponent.reinterpretAsDoubles());
            one.div(e.add(one)).intoArray(values, i);
        }
    }

    /**
     * The loss terms max(z,0) - z y + log1p(e^-|z|) for z = logits[i], y = labels[yAt + i], i in [0, end), in two
     * passes (one would be too large for C2 to inline all of its vector calls): this one leaves
     * {@code linear[i] = max(z,0) - z y} and {@code small[i] = e^-|z|}; {@link #addLossTerms} finishes.
     */
    static void lossTermParts(double[] logits, double[] labels, int yAt, int end, double[] linear, double[] small) {
        DoubleVector one = bc(1.0);
        for (int i = 0; i < end; i += LANES) {
            DoubleVector z = DoubleVector.fromArray(SPECIES, logits, i);
            // u = e^-|z|, as in sigmoidInPlace
            DoubleVector clamped = atLeast(z.abs().neg(), -707.0);
            DoubleVector shifted = clamped.fma(LOG2E, SHIFTER);
            DoubleVector n = shifted.sub(SHIFTER);
            DoubleVector r = n.fma(bc(-LN2_HI), clamped).add(n.mul(-LN2_LO));
            DoubleVector p = r.fma(E13, E12);
            p = p.fma(r, bc(E11));
            p = p.fma(r, bc(E10));
            p = p.fma(r, bc(E9));
            p = p.fma(r, bc(E8));
            p = p.fma(r, bc(E7));
            p = p.fma(r, bc(E6));
            p = p.fma(r, bc(E5));
            p = p.fma(r, bc(E4));
            p = p.fma(r, bc(E3));
            p = p.fma(r, bc(E2));
            p = p.fma(r, one);
            p = p.fma(r, one);
            LongVector exponent = shifted.reinterpretAsLongs().sub(SHIFTER_BITS - 1022L).lanewise(VectorOperators.LSHL, 52);
            DoubleVector u = p.add(p).mul(exponent.reinterpretAsDoubles());
            z.max(0.0).sub(z.mul(DoubleVector.fromArray(SPECIES, labels, yAt + i))).intoArray(linear, i);
            u.intoArray(small, i);
        }
    }

    /**
     * Sum over i in [0, end) of weights[yAt + i] (linear[i] + log1p(small[i])), from {@link #lossTermParts}, added
     * lane by lane into sums[at .. at + LANES).
     */
    static void addLossTerms(double[] linear, double[] small, double[] weights, int yAt, int end, double[] sums, int at) {
        DoubleVector one = bc(1.0);
        DoubleVector total = DoubleVector.zero(SPECIES);
        for (int i = 0; i < end; i += LANES) {
            DoubleVector u = DoubleVector.fromArray(SPECIES, small, i);
            // log1p(u) for u in (0, 1]
            DoubleVector w = u.add(one); // in [1, 2]
            DoubleVector correction = u.sub(w.sub(one)).div(w); // log(1 + u) = log(w) + (1 + u - w) / w, to first order
            VectorMask<Double> upper = w.compare(VectorOperators.GT, SQRT2);
            DoubleVector m = w.blend(w.mul(0.5), upper); // w = 2^k m, m in [0.707, 1.414]
            DoubleVector k = DoubleVector.zero(SPECIES).blend(one, upper);
            DoubleVector f = m.sub(one); // exact
            DoubleVector s = f.div(f.add(2.0)); // log(m) = 2 atanh(s), |s| <= 0.172
            DoubleVector s2 = s.mul(s);
            // 2s (1 + s^2/3 + s^4/5 + ... + s^20/21): truncation error < 1e-17
            DoubleVector series = s2.fma(1.0 / 21, 1.0 / 19);
            series = series.fma(s2, bc(1.0 / 17));
            series = series.fma(s2, bc(1.0 / 15));
            series = series.fma(s2, bc(1.0 / 13));
            series = series.fma(s2, bc(1.0 / 11));
            series = series.fma(s2, bc(1.0 / 9));
            series = series.fma(s2, bc(1.0 / 7));
            series = series.fma(s2, bc(1.0 / 5));
            series = series.fma(s2, bc(1.0 / 3));
            DoubleVector twoS = s.add(s);
            DoubleVector logM = twoS.fma(s2.mul(series), twoS);
            DoubleVector log1p = k.fma(bc(LN2_HI), logM.add(k.fma(bc(LN2_LO), correction)));
            DoubleVector term = DoubleVector.fromArray(SPECIES, linear, i).add(log1p);
            total = total.add(term.mul(DoubleVector.fromArray(SPECIES, weights, yAt + i)));
        }
        DoubleVector.fromArray(SPECIES, sums, at).add(total).intoArray(sums, at);
    }

    /**
     * max(x, low) lane by lane, for a low bound below zero, as a compare and a blend (NaN stays NaN, as with Java's
     * max, which costs several instructions for its NaN and -0.0 rules). No branch on the rare lane out of range:
     * C2 compiles a branch that a method's profile never saw taken as a trap, and a job whose values first take it
     * would run that method interpreted, then at tier 3, until C2 compiles it again (a first multi-class job 3x
     * its warm time, when the warm-up had taken the trap in the softmax's exp).
     */
    private static DoubleVector atLeast(DoubleVector x, double low) {
        return x.blend(low, x.compare(VectorOperators.LT, low));
    }

    private static DoubleVector bc(double value) {
        return DoubleVector.broadcast(SPECIES, value);
    }
}

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

    /** values[i] = 1 / (1 + e^-values[i]) for i in [from, to), to - from a multiple of the lane count. */
    static void sigmoidInPlace(float[] values, int from, int to) {
        FloatVector one = bc(1f);
        for (int i = from; i < to; i += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, values, i).neg();
            // e^x: clamped so that 2^(n-1) below has a normal exponent; max and min keep NaN
            FloatVector clamped = x.max(-86f).min(88.8f);
            FloatVector shifted = clamped.fma(LOG2E, SHIFTER);
            FloatVector n = shifted.sub(SHIFTER); // round(x / ln 2)
            FloatVector r = n.fma(bc(-LN2_HI), clamped).sub(n.mul(LN2_LO)); // x - n ln 2, |r| <= 0.347
            FloatVector p = r.fma(E7, E6);
            p = p.fma(r, bc(E5));
            p = p.fma(r, bc(E4));
            p = p.fma(r, bc(E3));
            p = p.fma(r, bc(E2));
            p = p.fma(r, one);
            p = p.fma(r, one);
            // times 2^(n-1) from its exponent bits, and 2: n = 128 (x just below 88.72) still has an exponent
            IntVector exponent = shifted.reinterpretAsInts().sub(SHIFTER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.add(p).mul(exponent.reinterpretAsFloats());
            one.div(e.add(one)).intoArray(values, i);
        }
    }

    /**
     * Sum over i in [0, end) of mask[i] (max(z,0) - z y + log1p(e^-|z|)) for z = logits[i], y = labels[yAt + i],
     * mask = masks[yAt + i], added lane by lane into sums[at .. at + LANES).
     */
    static void addLossTerms(float[] logits, float[] labels, float[] masks, int yAt, int end, float[] sums, int at) {
        FloatVector one = bc(1f);
        FloatVector total = FloatVector.zero(SPECIES);
        for (int i = 0; i < end; i += LANES) {
            FloatVector z = FloatVector.fromArray(SPECIES, logits, i);
            // u = e^-|z|, as in sigmoidInPlace
            FloatVector clamped = z.abs().neg().max(-86f);
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
            FloatVector u = p.add(p).mul(exponent.reinterpretAsFloats());
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
            FloatVector term = z.max(0f).sub(z.mul(FloatVector.fromArray(SPECIES, labels, yAt + i))).add(log1p);
            total = total.add(term.mul(FloatVector.fromArray(SPECIES, masks, yAt + i)));
        }
        FloatVector.fromArray(SPECIES, sums, at).add(total).intoArray(sums, at);
    }

    private static FloatVector bc(float value) {
        return FloatVector.broadcast(SPECIES, value);
    }
}

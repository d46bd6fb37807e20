package io.netforge.search;

import java.util.ArrayList;
import java.util.List;

/**
 * The rungs of successive halving as scikit-learn's {@code HalvingRandomSearchCV} plans them (its
 * {@code _run_search}, with a resource other than {@code n_samples}: here epochs), reproduced number for number,
 * including its floating-point logarithms: {@code n_resources_} and {@code n_candidates_} come out as its arrays.
 *
 * <p>With {@code candidates} candidates, {@code required} = 1 + floor(log_factor(candidates)) rungs would leave
 * fewer than {@code factor} of them; {@code possible} = 1 + floor(log_factor(max // min)) rungs fit between the
 * smallest and the largest resources. Rung i trains {@code candidates_i} candidates with min x factor^i epochs
 * (with aggressive elimination the first rung's resources repeat until the two counts meet) and keeps the best
 * ceil(candidates_i / factor).
 *
 * @param factor       the proportion of candidates kept per rung is 1 / factor; resources grow by factor
 * @param minResources epochs of the first rung (scikit-learn's {@code min_resources_})
 * @param maxResources epochs no rung exceeds ({@code max_resources_})
 * @param required     {@code n_required_iterations_}
 * @param possible     {@code n_possible_iterations_}
 * @param resources    epochs per rung ({@code n_resources_})
 * @param candidates   candidates per rung ({@code n_candidates_}); the first is how many to draw
 */
record HalvingSchedule(double factor, long minResources, long maxResources, int required, int possible,
        List<Long> resources, List<Integer> candidates) {

    HalvingSchedule {
        resources = List.copyOf(resources);
        candidates = List.copyOf(candidates);
    }

    /** How the first rung's resources are chosen: a number, scikit-learn's {@code smallest} (1) or {@code exhaust}. */
    sealed interface MinResources {
        record Given(long epochs) implements MinResources {
        }

        record Smallest() implements MinResources {
        }

        record Exhaust() implements MinResources {
        }
    }

    /**
     * The schedule for these settings.
     *
     * @param candidates how many candidates to draw, or null for scikit-learn's {@code exhaust}
     *                   (max // min); not null when {@code min} is {@link MinResources.Exhaust}
     * @throws IllegalArgumentException for settings scikit-learn refuses
     */
    static HalvingSchedule of(double factor, MinResources min, long maxResources, Integer candidates,
            boolean aggressiveElimination) {
        if (!(factor > 1) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("factor must be greater than 1, got " + factor);
        }
        if (maxResources < 1) {
            throw new IllegalArgumentException("maxResources must be at least 1, got " + maxResources);
        }
        if (min instanceof MinResources.Exhaust && candidates == null) {
            throw new IllegalArgumentException("candidates and minResources cannot both be 'exhaust'");
        }
        long minResources = min instanceof MinResources.Given given ? given.epochs() : 1;
        if (minResources < 1 || minResources > maxResources) {
            throw new IllegalArgumentException("minResources must be from 1 to maxResources (" + maxResources
                    + "), got " + minResources);
        }
        int first = candidates != null ? candidates : (int) Math.min(Integer.MAX_VALUE, maxResources / minResources);
        if (first < 1) {
            throw new IllegalArgumentException("candidates must be at least 1, got " + first);
        }
        int required = 1 + (int) Math.floor(log(first, factor));
        if (min instanceof MinResources.Exhaust) {
            minResources = Math.max(minResources, floorDivide(maxResources, power(factor, required - 1)));
        }
        int possible = 1 + (int) Math.floor(log(floorDivide(maxResources, minResources), factor));
        int rungs = aggressiveElimination ? required : Math.min(possible, required);
        List<Long> resources = new ArrayList<>(rungs);
        List<Integer> kept = new ArrayList<>(rungs);
        int n = first;
        for (int i = 0; i < rungs; i++) {
            int p = aggressiveElimination ? Math.max(0, i - required + possible) : i;
            long epochs = (long) (power(factor, p) * minResources);
            resources.add(Math.min(epochs, maxResources));
            kept.add(n);
            n = keep(n, factor);
        }
        return new HalvingSchedule(factor, minResources, maxResources, required, possible, resources, kept);
    }

    /** Candidates a rung of {@code n} passes on: ceil(n / factor). */
    static int keep(int n, double factor) {
        return (int) Math.ceil(n / factor);
    }

    int rungs() {
        return resources.size();
    }

    /** Runs of all rungs, per fold: the sum of the candidates. */
    long runs() {
        return candidates.stream().mapToLong(Integer::longValue).sum();
    }

    /** Epochs of all rungs, per fold: candidates x resources summed over the rungs. */
    long epochs() {
        long sum = 0;
        for (int i = 0; i < rungs(); i++) {
            sum += candidates.get(i) * resources.get(i);
        }
        return sum;
    }

    /** Python's {@code math.log(x, base)}: log(x) / log(base), the same doubles. */
    private static double log(double x, double base) {
        return Math.log(x) / Math.log(base);
    }

    /** Python's {@code factor ** p}: exact for whole factors, as Python's integers are. */
    private static double power(double factor, int p) {
        if (factor == Math.rint(factor)) {
            double result = 1;
            for (int i = 0; i < p; i++) {
                result *= factor;
            }
            return result;
        }
        return Math.pow(factor, p);
    }

    /** Python's {@code a // b} for a whole a and a positive b. */
    private static long floorDivide(long a, double b) {
        return (long) Math.floor(a / b);
    }
}

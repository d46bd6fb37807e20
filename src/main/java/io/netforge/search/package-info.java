/**
 * Automatic searches: candidate networks drawn from a space with the request's seed, narrowed by successive halving
 * over epochs (scikit-learn's {@code HalvingRandomSearchCV} schedule), each rung's runs ordinary training jobs on the
 * queue, a coordinating job of kind {@code search} that schedules the next rung exactly once and refits the best
 * candidate as a named model; and their leaderboard.
 */
package io.netforge.search;

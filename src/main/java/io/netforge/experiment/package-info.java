/**
 * Experiments: grids of network settings trained over seeds and folds as ordinary jobs, their leaderboard and
 * figure.
 */
package io.netforge.experiment;

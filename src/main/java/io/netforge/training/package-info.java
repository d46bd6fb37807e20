/**
 * Training jobs: accepting a request into the job queue, loading and encoding its rows, running the trainer and
 * storing the fitted model, reproducing a model from its provenance.
 */
package io.netforge.training;

/**
 * The one job engine: work that outlives a request (training a model, scoring a dataset, and the kinds to come) as
 * rows of the {@code jobs} table, shared by every instance on the database. It claims jobs under a
 * lease renewed by a heartbeat, takes over a dead instance's jobs, counts attempts, relays cancellation and deletion,
 * publishes progress, keeps the datasets a job reads from being deleted, and reports its metrics by kind. A kind of
 * job is one {@link io.netforge.job.JobKind} bean: what it does with a claimed job, and what it stores when it
 * succeeds.
 */
package io.netforge.job;

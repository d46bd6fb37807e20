package io.netforge.job;

import java.time.Instant;
import java.util.UUID;

/**
 * A job a worker of this instance now owns: its id (the kind reloads whatever it needs by it, so a job is safe to run
 * again), its kind, and which start this is.
 */
public record Job(UUID id, String kind, int attempt, Instant createdAt) {
}

package io.netforge.job;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How this instance runs jobs (configuration {@code netforge.training.*}, named for training, the first kind of job).
 *
 * @param workers      training jobs this instance runs at once (other kinds say their own)
 * @param lease        how long a claimed job stays this instance's without a heartbeat; after that
 *                     another instance may take it over (so also the longest wait after a crash)
 * @param heartbeat    how often a running job's lease is renewed and its progress and cancellation
 *                     are exchanged with the database; well below {@code lease}
 * @param pollInterval how often an idle worker looks for queued jobs submitted to other instances
 * @param maxAttempts  starts after which a job whose instance keeps dying is failed instead of retried
 * @param warmUp       compile the training kernels at startup, before the first job (a few seconds of CPU),
 *                     so that the first job trains as fast as later ones; the service reports ready once it
 *                     is done
 */
@ConfigurationProperties("netforge.training")
public record JobProperties(int workers, Duration lease, Duration heartbeat, Duration pollInterval,
        int maxAttempts, boolean warmUp) {

    public JobProperties {
        if (workers < 0) {
            throw new IllegalArgumentException("netforge.training.workers must be >= 0, got " + workers);
        }
        if (heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("netforge.training.heartbeat (" + heartbeat
                    + ") must be shorter than netforge.training.lease (" + lease + ")");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("netforge.training.max-attempts must be >= 1, got " + maxAttempts);
        }
    }
}

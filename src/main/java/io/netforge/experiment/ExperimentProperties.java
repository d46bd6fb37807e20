package io.netforge.experiment;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of experiments ({@code netforge.experiments.*}).
 *
 * @param maxRuns most runs (configurations x seeds x folds) one experiment may queue
 */
@ConfigurationProperties("netforge.experiments")
record ExperimentProperties(Integer maxRuns) {

    static final int DEFAULT_MAX_RUNS = 1000;

    ExperimentProperties {
        maxRuns = maxRuns == null ? DEFAULT_MAX_RUNS : maxRuns;
    }
}

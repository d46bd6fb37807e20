package io.netforge.search;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of searches ({@code netforge.searches.*}).
 *
 * @param maxCandidates most candidates one search may draw
 * @param maxRuns       most runs (candidates of every rung x folds) one search may queue
 * @param maxEpochs     most epochs (runs x their epochs) one search may train, its refit included
 * @param workers       searches this instance coordinates at once (a coordinator mostly waits for its rung's runs,
 *                      which the training workers train); 0 on an instance that runs no training jobs
 * @param poll          how often a coordinator looks at its rung's runs, in milliseconds
 */
@ConfigurationProperties("netforge.searches")
record SearchProperties(Integer maxCandidates, Integer maxRuns, Long maxEpochs, Integer workers, Integer poll) {

    SearchProperties {
        maxCandidates = maxCandidates == null ? 1000 : maxCandidates;
        maxRuns = maxRuns == null ? 5000 : maxRuns;
        maxEpochs = maxEpochs == null ? 1_000_000L : maxEpochs;
        workers = workers == null ? 4 : workers;
        poll = poll == null ? 200 : poll;
    }
}

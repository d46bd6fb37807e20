package io.netforge.job;

import static io.netforge.job.JobStatus.CANCELLED;
import static io.netforge.job.JobStatus.FAILED;
import static io.netforge.job.JobStatus.QUEUED;
import static io.netforge.job.JobStatus.RUNNING;
import static io.netforge.job.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The job state machine is one table; the engine's queue is the only code that writes a job's status, and the only
 * code that claims jobs.
 */
class JobStateMachineTest {

    @Test
    void theTransitionTableAllowsExactlyTheJobLifecycle() {
        assertThat(Jobs.successors(QUEUED)).containsExactlyInAnyOrder(RUNNING, CANCELLED);
        // RUNNING -> RUNNING: another instance takes over a job whose lease expired
        assertThat(Jobs.successors(RUNNING)).containsExactlyInAnyOrder(RUNNING, SUCCEEDED, FAILED, CANCELLED, QUEUED);
        for (JobStatus status : JobStatus.values()) {
            assertThat(Jobs.successors(status).isEmpty()).as(status.name()).isEqualTo(status.isTerminal());
        }
        assertThat(Jobs.Transition.ENQUEUE.from).isEmpty();
        assertThat(Jobs.Transition.RECORD_DONE.from).isEmpty();
    }

    @Test
    void onlyTheQueueWritesAJobsStatusAndClaimsJobs() throws IOException {
        // a status written as SQL text, a row of jobs inserted or its status set, or a claim, anywhere else in main
        Pattern literal = Pattern.compile("'(" + String.join("|", Stream.of(JobStatus.values()).map(Enum::name).toList())
                + ")'");
        Pattern write = Pattern.compile("(?i)(INSERT INTO jobs\\b|UPDATE jobs SET[^;]*\\bstatus\\s*=)");
        Pattern claim = Pattern.compile("(?i)SKIP\\s+LOCKED");
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(50);
        Set<String> writers = new TreeSet<>();
        int claims = 0;
        for (Path source : sources) {
            String text = Files.readString(source).replaceAll("\\s+", " ");
            String name = source.getFileName().toString();
            if (!name.startsWith("V") || !name.contains("__")) { // a migration copies what was there
                assertThat(literal.matcher(text).find()).as(source + " spells a status as an SQL literal").isFalse();
                if (write.matcher(text).find()) {
                    writers.add(name);
                }
            }
            var m = claim.matcher(text);
            while (m.find()) {
                claims++;
                assertThat(name).as("the class that claims jobs").isEqualTo("Jobs.java");
            }
        }
        assertThat(writers).containsExactly("Jobs.java");
        assertThat(claims).as("SKIP LOCKED in src/main").isEqualTo(1);
    }
}

package io.netforge.training;

import static io.netforge.model.ModelStatus.CANCELLED;
import static io.netforge.model.ModelStatus.FAILED;
import static io.netforge.model.ModelStatus.QUEUED;
import static io.netforge.model.ModelStatus.RUNNING;
import static io.netforge.model.ModelStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.netforge.model.ModelStatus;

/** The job state machine is one table, and the queue is the only code that writes a job's status. */
class JobStateMachineTest {

    @Test
    void theTransitionTableAllowsExactlyTheJobLifecycle() {
        assertThat(JobQueue.successors(QUEUED)).containsExactlyInAnyOrder(RUNNING, CANCELLED);
        // RUNNING -> RUNNING: another instance takes over a job whose lease expired
        assertThat(JobQueue.successors(RUNNING)).containsExactlyInAnyOrder(RUNNING, SUCCEEDED, FAILED, CANCELLED, QUEUED);
        for (ModelStatus status : ModelStatus.values()) {
            assertThat(JobQueue.successors(status).isEmpty()).as(status.name()).isEqualTo(status.isTerminal());
        }
        assertThat(JobQueue.Transition.ENQUEUE.from).isEmpty();
    }

    @Test
    void onlyTheQueueWritesAJobsStatus() throws IOException {
        // a status written as SQL text, or a row of models inserted or its status set, anywhere else in main
        Pattern literal = Pattern.compile("'(" + String.join("|", Stream.of(ModelStatus.values()).map(Enum::name).toList())
                + ")'");
        Pattern write = Pattern.compile("(?i)(INSERT INTO models\\b|UPDATE models SET[^;]*\\bstatus\\s*=)");
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(50);
        Set<String> writers = new java.util.TreeSet<>();
        for (Path source : sources) {
            String text = Files.readString(source).replaceAll("\\s+", " ");
            assertThat(literal.matcher(text).find()).as(source + " spells a status as an SQL literal").isFalse();
            if (write.matcher(text).find()) {
                writers.add(source.getFileName().toString());
            }
        }
        assertThat(writers).containsExactly("JobQueue.java");
    }
}

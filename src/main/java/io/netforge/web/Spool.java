package io.netforge.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongFunction;

import io.netforge.problem.DomainException;

/**
 * Receives a request body into a temporary file before any work on it starts (and before a database connection is
 * taken for it), bounded in size and time: past {@code maxBytes} it stops (413), past {@code timeout} in all it stops
 * (408), and a body that stalls is dropped by the container's read timeout ({@code server.tomcat.connection-timeout};
 * 408). The caller deletes the file.
 */
public final class Spool {

    private Spool() {
    }

    /**
     * @param tooLarge the 413 to answer for {@code maxBytes}
     * @return the file, holding the whole body
     */
    public static Path receive(InputStream body, long maxBytes, Duration timeout, LongFunction<DomainException> tooLarge)
            throws IOException {
        Path file = Files.createTempFile("netforge-body-", ".tmp");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = body.read(buffer)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge.apply(maxBytes);
                }
                if (System.nanoTime() > deadline) {
                    throw DomainException.timeout("the body did not arrive within " + timeout.toSeconds()
                            + " s; send it faster, or in smaller files");
                }
                out.write(buffer, 0, n);
            }
            return file;
        } catch (SocketTimeoutException e) {
            Files.deleteIfExists(file);
            throw DomainException.timeout("the body stopped arriving (nothing for the read timeout); it was dropped");
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }
}

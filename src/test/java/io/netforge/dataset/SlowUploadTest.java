package io.netforge.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;

/**
 * A slow upload holds no database connection while its body arrives: with more slow uploads in flight than the pool
 * has connections, every other request is answered at once, and the uploads are all stored once their bodies are in.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.hikari.maximum-pool-size=3", "netforge.training.workers=0"})
class SlowUploadTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void slowUploadsLeaveThePoolFree() throws Exception {
        int uploads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                answers.add(pool.submit(this::slowUpload));
            }
            Thread.sleep(800); // every upload has started and is still sending
            Http http = new Http(port);
            for (int i = 0; i < 8; i++) {
                long start = System.nanoTime();
                Http.Response list = http.get("/datasets");
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(list.status()).as(list.toString()).isEqualTo(200);
                assertThat(millis).as("GET /datasets while the uploads arrive").isLessThan(1500);
                Thread.sleep(200);
            }
            for (Future<String> answer : answers) {
                assertThat(answer.get()).startsWith("HTTP/1.1 201");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A CSV body of 20 rows, one row every 200 ms. */
    private String slowUpload() throws Exception {
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int r = 0; r < 20; r++) {
            csv.append(r).append(',').append(r * 2).append(',').append(r % 2).append('\n');
        }
        byte[] body = csv.toString().getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /datasets?name=slow HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            int header = csv.indexOf("\n") + 1;
            out.write(body, 0, header);
            out.flush();
            int at = header;
            for (int r = 0; r < 20; r++) {
                int end = csv.indexOf("\n", at) + 1;
                Thread.sleep(200);
                out.write(body, at, end - at);
                out.flush();
                at = end;
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package io.netforge.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what a regular client hides: a Content-Length header with no body behind
 * it, a body the server stops reading half way, a connection dropped in the middle of an upload.
 */
public final class RawHttp implements AutoCloseable {

    public record Response(int status, Map<String, String> headers, String body) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private Thread writer;

    public RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** Sends the request line and headers (a blank line ends them); {@code Connection: close} is added. */
    public RawHttp head(String requestLine, String... headers) throws IOException {
        StringBuilder text = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nConnection: close\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        out.write(text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return this;
    }

    /** Starts sending {@code body} in chunked encoding from another thread; stops quietly when the server hangs up. */
    public RawHttp streamChunked(InputStream body) {
        return stream(body, true);
    }

    /** Starts sending {@code body} as is (the request declared its Content-Length) from another thread. */
    public RawHttp stream(InputStream body) {
        return stream(body, false);
    }

    private RawHttp stream(InputStream body, boolean chunked) {
        writer = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = body.read(buffer)) > 0) {
                    if (chunked) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(buffer, 0, n);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                // The server closed the connection: expected after an early answer.
            }
        }, "raw-http-writer");
        writer.setDaemon(true);
        writer.start();
        return this;
    }

    /** Sends {@code bytes} of the body (no framing). */
    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /**
     * Reads one response as soon as it is complete, without waiting for the connection to close (after an early
     * answer Tomcat keeps it open for a while, to swallow part of a body we never send).
     */
    public Response response() throws IOException {
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                body.writeBytes(in.readNBytes(size));
                readLine();
            }
        } else if (headers.containsKey("content-length")) {
            body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private int chunkSize() throws IOException {
        return Integer.parseInt(readLine().split(";")[0].trim(), 16);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        if (c < 0 && line.size() == 0) {
            throw new IOException("connection closed before a complete response");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Waits for the body writer to give up or finish. */
    public void awaitWriter() throws InterruptedException {
        if (writer != null) {
            writer.join(60_000);
        }
    }

    /** Drops the connection without finishing the request. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0); // RST rather than FIN: the server sees a reset, like a killed client
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

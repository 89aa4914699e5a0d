package dev.parley.providers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real local HTTP endpoint on a free port for provider tests. {@code /status/N} answers status N with
 * body {@code nope} (and {@code Retry-After} from {@code ?retryAfter=}); {@code /ok} answers 200 with the
 * JSON in {@code ?body=}; {@code /slow} answers only after {@link #close}. Every request is recorded.
 * {@link #raw} is a bare socket server that reads a request and then writes {@code script} verbatim
 * and closes, for answers no well-behaved server gives.
 */
final class StubEndpoint implements AutoCloseable {
    record Received(String path, Map<String, java.util.List<String>> headers, String body) {}

    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final HttpServer server;

    StubEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
        received.add(new Received(path, Map.copyOf(exchange.getRequestHeaders()), body));
        if (path.equals("/slow")) {
            awaitRelease();
            reply(exchange, 200, "{\"providerMessageId\":\"late\"}");
        } else if (path.startsWith("/status/")) {
            if (query.startsWith("retryAfter=")) {
                exchange.getResponseHeaders().set("Retry-After",
                        java.net.URLDecoder.decode(query.substring("retryAfter=".length()), StandardCharsets.UTF_8));
            }
            reply(exchange, Integer.parseInt(path.substring("/status/".length())), "nope");
        } else {
            String answer = query.startsWith("body=")
                    ? java.net.URLDecoder.decode(query.substring("body=".length()), StandardCharsets.UTF_8) : "";
            reply(exchange, 200, answer);
        }
    }

    private void awaitRelease() {
        try {
            released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }

    /** A one-connection-at-a-time socket server that reads each request whole, writes {@code script}, closes. */
    static ServerSocket raw(String script) throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    readRequest(connection.getInputStream());
                    connection.getOutputStream().write(script.getBytes(StandardCharsets.ISO_8859_1));
                    connection.getOutputStream().flush();
                    // Cut the connection a moment later, not in the same breath: the client has then read what was
                    // sent (a status line, part of a body) before it sees the end, as when a peer dies mid-answer.
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (IOException e) {
                    // closed by the test, or the client gave up: either way this connection is over
                }
            }
        });
        return socket;
    }

    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            head.append((char) c);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("content-length:");
        int length = at < 0 ? 0 : Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
        in.readNBytes(length);
    }
}

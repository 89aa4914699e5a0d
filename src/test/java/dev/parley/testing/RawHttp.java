package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP client for hostile requests: it sends exactly the target, headers and bytes it is given. It uses
 * java.net.http, and writes straight onto a socket what java.net.http refuses to send (control characters
 * in headers, targets that are not URIs, a lying {@code Content-Length}). It never throws on a failed
 * exchange: the answer then has status -1 and says what happened.
 */
public final class RawHttp {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String host;
    private final int port;
    private final AtomicInteger sent = new AtomicInteger();

    public RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** A request: method, target (path and query, sent as given) and headers, and how to send the body. */
    public static final class Request {
        final String method;
        final String target;
        final List<String[]> headers = new ArrayList<>();
        byte[] body;
        boolean socket;
        boolean chunked;
        boolean declaredLengthOnly;
        boolean halfClose;

        public Request(String method, String target) {
            this.method = method;
            this.target = target;
        }

        public Request header(String name, String value) {
            headers.removeIf(h -> h[0].equalsIgnoreCase(name));
            headers.add(new String[] {name, value});
            return this;
        }

        public Request bearer(String token) {
            return header("Authorization", "Bearer " + token);
        }

        public Request json(String text) {
            return body("application/json", text.getBytes(StandardCharsets.UTF_8));
        }

        /** The body, with {@code contentType} as its Content-Type, or none when null. */
        public Request body(String contentType, byte[] bytes) {
            headers.removeIf(h -> h[0].equalsIgnoreCase("Content-Type"));
            if (contentType != null) {
                headers.add(new String[] {"Content-Type", contentType});
            }
            body = bytes;
            return this;
        }

        /** Send onto a socket, bypassing java.net.http's checks. */
        public Request viaSocket() {
            socket = true;
            return this;
        }

        /** Send the body with chunked transfer coding, so no Content-Length announces its size. */
        public Request chunked() {
            chunked = true;
            return this;
        }

        /** Send the Content-Length header given with {@link #header}, whatever the body's real size. */
        public Request declaredLengthOnly() {
            declaredLengthOnly = true;
            socket = true;
            return this;
        }

        /** Close the sending half after the body, so the server sees the body end early. */
        public Request halfClose() {
            halfClose = true;
            return this;
        }

        public String method() {
            return method;
        }

        public boolean has(String header) {
            return headers.stream().anyMatch(h -> h[0].equalsIgnoreCase(header));
        }

        @Override
        public String toString() {
            return method + " " + abbreviate(target);
        }
    }

    /** An answer: status (-1 when there was none), headers (lower-case names, first value) and body. */
    public record Answer(int status, Map<String, String> headers, String body, String request) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            JsonNode node = jsonOrNull();
            if (node == null) {
                throw new AssertionError("not JSON (" + status + "): " + abbreviate(body));
            }
            return node;
        }

        public JsonNode jsonOrNull() {
            try {
                JsonNode node = Json.mapper().readTree(body);
                return node == null || node.isMissingNode() ? null : node;
            } catch (Exception e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + abbreviate(body);
        }
    }

    public Answer send(Request req) {
        sent.incrementAndGet();
        try {
            return req.socket ? viaSocket(req) : viaClient(req);
        } catch (IOException e) {
            // java.net.http gives up when the server answers before taking the whole body (413); a socket
            // reads the answer anyway.
            try {
                return viaSocket(req);
            } catch (IOException again) {
                return new Answer(-1, Map.of(), "no answer: " + e + " / " + again, req.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** How many requests this client has sent. */
    public int sent() {
        return sent.get();
    }

    private Answer viaClient(Request req) throws IOException, InterruptedException {
        URI uri;
        try {
            uri = URI.create("http://" + host + ":" + port + req.target);
        } catch (IllegalArgumentException notAUri) {
            return viaSocket(req);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        try {
            for (String[] h : req.headers) {
                b.header(h[0], h[1]);
            }
        } catch (IllegalArgumentException refusedHeader) {
            return viaSocket(req);
        }
        byte[] body = req.body;
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : req.chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpResponse<byte[]> r = client.send(b.method(req.method, publisher).build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, String> headers = new HashMap<>();
        r.headers().map().forEach((k, vs) -> headers.put(k.toLowerCase(Locale.ROOT), vs.getFirst()));
        return new Answer(r.statusCode(), headers, new String(r.body(), StandardCharsets.UTF_8), req.toString());
    }

    private Answer viaSocket(Request req) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(req.declaredLengthOnly ? 5_000 : 30_000);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.writeBytes(utf8(req.method + " " + req.target + " HTTP/1.1\r\n"));
            head.writeBytes(utf8("Host: " + host + ":" + port + "\r\nConnection: close\r\n"));
            for (String[] h : req.headers) {
                head.writeBytes(utf8(h[0] + ": " + h[1] + "\r\n"));
            }
            if (req.body != null && !req.declaredLengthOnly) {
                head.writeBytes(utf8(req.chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + req.body.length + "\r\n"));
            }
            head.writeBytes(utf8("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(head.toByteArray());
            if (req.body != null) {
                try {
                    if (req.chunked) {
                        out.write(utf8(Integer.toHexString(req.body.length) + "\r\n"));
                        out.write(req.body);
                        out.write(utf8("\r\n0\r\n\r\n"));
                    } else {
                        out.write(req.body);
                    }
                } catch (IOException stoppedReading) {
                    // The server answered and closed before taking the whole body: read what it said.
                }
            }
            out.flush();
            if (req.halfClose) {
                socket.shutdownOutput();
            }
            return parse(socket.getInputStream().readAllBytes(), req.toString());
        }
    }

    private static Answer parse(byte[] raw, String request) {
        int end = indexOf(raw, utf8("\r\n\r\n"), 0);
        if (end < 0) {
            return new Answer(-1, Map.of(), "no answer: " + new String(raw, StandardCharsets.ISO_8859_1), request);
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8), request);
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = indexOf(body, utf8("\r\n"), i);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.write(body, start, Math.min(size, body.length - start));
            i = start + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String abbreviate(String s) {
        return s == null || s.length() <= 120 ? s : s.substring(0, 100) + "…(" + s.length() + " chars)";
    }
}

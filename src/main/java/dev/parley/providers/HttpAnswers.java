package dev.parley.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import dev.parley.providers.SendResult.ErrorClass;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;

/**
 * What an HTTP endpoint's answer, or the failure to get one, means for a send (SPEC §4). The line that
 * matters: only an error raised before the request was written (refused, unresolved, connect timeout,
 * TLS handshake) or a status line proves non-acceptance; anything lost after the request went out is
 * {@link SendResult.Ambiguous}.
 */
final class HttpAnswers {
    static final int MAX_REASON = 200;
    private static final List<String> ID_FIELDS = List.of("providerMessageId", "id", "messageId");
    private static final Pattern SECONDS = Pattern.compile("\\d{1,10}");
    private static final Pattern SPACE = Pattern.compile("[\\s\\p{Cntrl}]+");

    private final Clock clock;

    HttpAnswers(Clock clock) {
        this.clock = clock;
    }

    /**
     * Classifies an answer with a status line. A 2xx without an id in its body is still accepted: the
     * provider said yes, so resending would duplicate; Parley's own message id (sent as {@code id})
     * then stands in as the provider's id. A 2xx whose body was cut off is ambiguous: gateways that
     * answer 200 with an error in the body exist, and the body never arrived.
     */
    SendResult classify(int status, HttpHeaders headers, BoundedBody.Body body, String messageId) {
        if (status >= 200 && status < 300) {
            if (!body.complete()) {
                return new SendResult.Ambiguous("connection lost while reading the HTTP " + status + " answer");
            }
            String id = providerId(body.bytes());
            return new SendResult.Accepted(id != null ? id : messageId);
        }
        String code = "http-" + status;
        String reason = reason(status, body.bytes());
        if (status == 429 || status == 408 || status >= 500) {
            Duration retryAfter = retryAfter(headers.firstValue("Retry-After").orElse(null));
            return new SendResult.Rejected(ErrorClass.TRANSIENT, code, reason, retryAfter);
        }
        if (status == 401 || status == 403) {
            return new SendResult.Rejected(ErrorClass.PROVIDER, code, "credentials refused: " + reason, null);
        }
        if (status == 402) {
            return new SendResult.Rejected(ErrorClass.PROVIDER, code, "payment required: " + reason, null);
        }
        if (status >= 400) {
            return new SendResult.Rejected(ErrorClass.PERMANENT, code, reason, null);
        }
        return new SendResult.Rejected(ErrorClass.PROVIDER, code, "unexpected answer (is the URL right?): " + reason, null);
    }

    /** Classifies a send that ended without a usable status line. */
    SendResult failure(Throwable error, Duration timeout) {
        String detail = describe(error);
        return switch (error) {
            case HttpConnectTimeoutException e ->
                    new SendResult.Rejected(ErrorClass.TRANSIENT, "connect-timeout", "could not connect: " + detail, null);
            case HttpTimeoutException e -> new SendResult.Ambiguous("no answer within " + timeout.toMillis() + " ms");
            case ConnectException e when rootCause(e) instanceof UnresolvedAddressException ->
                    new SendResult.Rejected(ErrorClass.TRANSIENT, "unknown-host", "the URL's host name does not resolve", null);
            case ConnectException e ->
                    new SendResult.Rejected(ErrorClass.TRANSIENT, "connect-failed", "connection refused or host unreachable", null);
            case SSLHandshakeException e ->
                    new SendResult.Rejected(ErrorClass.PROVIDER, "tls-handshake", "TLS handshake failed: " + detail, null);
            case IOException e -> new SendResult.Ambiguous("connection lost before a complete answer: " + detail);
            default -> new SendResult.Ambiguous("unexpected failure: " + detail);
        };
    }

    /** A {@code Retry-After} value in seconds or as an HTTP date; null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (SECONDS.matcher(v).matches()) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String providerId(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode tree = Json.mapper().readTree(body);
            for (String field : ID_FIELDS) {
                JsonNode id = tree.path(field);
                if ((id.isTextual() && !id.asText().isBlank()) || id.isIntegralNumber()) {
                    return truncate(id.asText());
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static String reason(int status, byte[] body) {
        String text = SPACE.matcher(new String(body, StandardCharsets.UTF_8)).replaceAll(" ").strip();
        return text.isEmpty() ? "HTTP " + status : truncate("HTTP " + status + ": " + text);
    }

    /** The innermost cause, which names what happened: "ConnectException: Connection refused". */
    private static String describe(Throwable error) {
        Throwable root = rootCause(error);
        String name = root.getClass().getSimpleName();
        return truncate(root.getMessage() == null ? name : name + ": " + root.getMessage());
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String truncate(String s) {
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON - 1) + "…";
    }
}

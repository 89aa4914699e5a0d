package dev.parley.simulator;

import dev.parley.core.Json;
import dev.parley.core.Tokens;
import dev.parley.providers.TwilioForm;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The simulator's Twilio subset: {@code POST /2010-04-01/Accounts/{sid}/Messages.json}, answered as Twilio
 * answers, then signed callbacks ({@link TwilioCallbacks}). Checks come in the order of {@code /send}:
 * authorisation (401, Twilio's 20003), the form (400 with Twilio's code), the drawn fate (503), the rate
 * limit (429, Twilio's 20429), then recorded and answered 201 — late for a late fate.
 *
 * <p>The dialect draws its own fates and keeps its own rate limit, from the same options, as a separate
 * provider would. Twilio has no client-supplied id, so the ledger id is a digest of {@code To}, the
 * sender and {@code Body}: sending the same text to the same person twice counts as a duplicate.
 */
final class TwilioDialect implements AutoCloseable {
    static final String PATH = "/2010-04-01/Accounts/{sid}/Messages.json";
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{1,14}");
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final String requiredAuth;
    private final Fates fates;
    private final SecondLimiter limiter;
    private final Ledger ledger;
    private final SimClock clock;
    private final TwilioCallbacks callbacks;
    private final AtomicLong sequence = new AtomicLong();

    TwilioDialect(SimulatorOptions options, Ledger ledger, SimClock clock) {
        this.requiredAuth = options.requireAuth();
        this.fates = new Fates(options);
        this.limiter = options.rateLimit() > 0 ? new SecondLimiter(options.rateLimit()) : null;
        this.ledger = ledger;
        this.clock = clock;
        this.callbacks = new TwilioCallbacks(options);
    }

    void handle(Context ctx) throws InterruptedException {
        long receivedNanos = clock.nanos();
        long receivedAtMillis = clock.wallMillis();
        String accountSid = ctx.pathParam("sid");
        String header = ctx.header("Authorization");
        String authToken = authToken(header, accountSid);
        if (authToken == null || (requiredAuth != null && !Tokens.constantTimeEquals(header, requiredAuth))) {
            ledger.refuse(Refusal.UNAUTHORISED);
            error(ctx, 401, 20003, "Authenticate");
            return;
        }
        Map<String, List<String>> form = form(ctx.body());
        String to = TwilioForm.first(form, "To");
        String from = TwilioForm.first(form, "From");
        String service = TwilioForm.first(form, "MessagingServiceSid");
        String body = TwilioForm.first(form, "Body");
        Problem problem = problem(to, from, service, body);
        if (problem != null) {
            ledger.refuse(Refusal.INVALID);
            error(ctx, 400, problem.code(), problem.message());
            return;
        }
        Fates.Fate fate = fates.next();
        if (fate.outcome() == Fates.Outcome.FAIL) {
            ledger.refuse(Refusal.FAILED);
            pause(fate.delayMillis());
            error(ctx, 503, 20503, "Service Unavailable");
            return;
        }
        if (limiter != null && !limiter.tryTake(receivedNanos)) {
            ledger.refuse(Refusal.RATE_LIMITED);
            pause(fate.delayMillis());
            ctx.header("Retry-After", "1");
            error(ctx, 429, 20429, "Too Many Requests");
            return;
        }
        String sender = from != null && !from.isBlank() ? from : service;
        String messageSid = "SM" + "%032x".formatted(sequence.incrementAndGet());
        ledger.accept(ledgerId(to, sender, body), "sms", to, messageSid, receivedNanos, receivedAtMillis,
                fate.outcome() == Fates.Outcome.LATE);
        callbacks.schedule(messageSid, accountSid, authToken, to, sender, TwilioForm.first(form, "StatusCallback"));
        pause(fate.delayMillis());
        ctx.status(201).contentType("application/json")
                .result(Json.write(resource(accountSid, messageSid, to, from, service, body, receivedAtMillis)));
    }

    /** A request Twilio turns away with 400: its error code and message. */
    private record Problem(int code, String message) {}

    private static Problem problem(String to, String from, String service, String body) {
        if (to == null || to.isBlank()) {
            return new Problem(21604, "A 'To' phone number is required.");
        }
        if (!E164.matcher(to).matches()) {
            return new Problem(21211, "The 'To' number " + to + " is not a valid phone number.");
        }
        if ((from == null || from.isBlank()) && service == null) {
            return new Problem(21603, "A 'From' phone number is required.");
        }
        return body == null || body.isEmpty() ? new Problem(21602, "Message body is required.") : null;
    }

    /** The password of a Basic header whose user is the account SID in the path, or null. */
    private static String authToken(String header, String accountSid) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.substring(0, colon).equals(accountSid) || colon == decoded.length() - 1) {
            return null;
        }
        return decoded.substring(colon + 1);
    }

    /** The form, or nothing when it cannot be decoded (then {@code To} is missing, as Twilio would say). */
    private static Map<String, List<String>> form(String body) {
        try {
            return TwilioForm.decode(body);
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }

    static String ledgerId(String to, String sender, String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((to + "\n" + sender + "\n" + body).getBytes(StandardCharsets.UTF_8));
            return "tw-" + HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> resource(String accountSid, String sid, String to, String from, String service,
                                                String body, long receivedAtMillis) {
        String created = RFC_1123.format(Instant.ofEpochMilli(receivedAtMillis));
        String uri = "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("account_sid", accountSid);
        json.put("api_version", "2010-04-01");
        json.put("body", body);
        json.put("date_created", created);
        json.put("date_sent", null);
        json.put("date_updated", created);
        json.put("direction", "outbound-api");
        json.put("error_code", null);
        json.put("error_message", null);
        json.put("from", from);
        json.put("messaging_service_sid", service);
        json.put("num_media", "0");
        json.put("num_segments", String.valueOf(segments(body)));
        json.put("price", null);
        json.put("price_unit", "USD");
        json.put("sid", sid);
        json.put("status", from == null || from.isBlank() ? "accepted" : "queued");
        json.put("subresource_uris", Map.of("media", uri + "/Media.json"));
        json.put("to", to);
        json.put("uri", uri + ".json");
        return json;
    }

    /** Roughly as carriers count: 160/153 characters when every character is ASCII, else 70/67. */
    static int segments(String body) {
        boolean ascii = body.chars().allMatch(c -> c < 128);
        int single = ascii ? 160 : 70;
        int part = ascii ? 153 : 67;
        int length = body.codePointCount(0, body.length());
        return length <= single ? 1 : (length + part - 1) / part;
    }

    private static void error(Context ctx, int status, int code, String message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("code", code);
        json.put("message", message);
        json.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        json.put("status", status);
        ctx.status(status).contentType("application/json").result(Json.write(json));
    }

    private static void pause(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    @Override
    public void close() {
        callbacks.close();
    }
}

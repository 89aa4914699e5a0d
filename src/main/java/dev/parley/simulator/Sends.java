package dev.parley.simulator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import dev.parley.core.Tokens;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code POST /send}: the generic provider endpoint. Checks come in a fixed order — authorisation (401),
 * body (400), then the request's drawn fate: 503 for a failure, 429 when the second is full, otherwise
 * recorded and answered 200 (or, for a late fate, answered only after the timeout). Only the last two
 * are recorded; refusals are only counted.
 */
final class Sends {
    private static final List<String> TEXT_FIELDS = List.of("channel", "to", "from", "text", "subject", "html");

    private final String requiredAuth;
    private final Fates fates;
    private final SecondLimiter limiter;
    private final Ledger ledger;
    private final SimClock clock;

    Sends(SimulatorOptions options, Ledger ledger, SimClock clock) {
        this.requiredAuth = options.requireAuth();
        this.fates = new Fates(options);
        this.limiter = options.rateLimit() > 0 ? new SecondLimiter(options.rateLimit()) : null;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** The fields of a send the ledger keeps. */
    private record Send(String id, String channel, String to) {}

    /** The body is not what {@code /send} takes; the message says why. */
    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    void handle(Context ctx) throws InterruptedException {
        long receivedNanos = clock.nanos();
        long receivedAtMillis = clock.wallMillis();
        if (requiredAuth != null && !Tokens.constantTimeEquals(ctx.header("Authorization"), requiredAuth)) {
            ledger.refuse(Refusal.UNAUTHORISED);
            error(ctx, 401, "missing or wrong Authorization header");
            return;
        }
        Send send;
        try {
            send = parse(ctx.bodyAsBytes());
        } catch (BadRequest e) {
            ledger.refuse(Refusal.INVALID);
            error(ctx, 400, e.getMessage());
            return;
        }
        Fates.Fate fate = fates.next();
        if (fate.outcome() == Fates.Outcome.FAIL) {
            ledger.refuse(Refusal.FAILED);
            pause(fate.delayMillis());
            error(ctx, 503, "simulated failure");
            return;
        }
        if (limiter != null && !limiter.tryTake(receivedNanos)) {
            ledger.refuse(Refusal.RATE_LIMITED);
            pause(fate.delayMillis());
            ctx.header("Retry-After", "1");
            error(ctx, 429, "rate limit exceeded");
            return;
        }
        boolean late = fate.outcome() == Fates.Outcome.LATE;
        LedgerEntry entry = ledger.accept(send.id(), send.channel(), send.to(), receivedNanos, receivedAtMillis, late);
        pause(fate.delayMillis());
        ctx.status(200).contentType("application/json").result("{\"providerMessageId\":\"" + entry.providerMessageId() + "\"}");
    }

    /**
     * What became of a valid request in another dialect: refused (counted, not recorded) or accepted
     * (recorded), and how long to wait before answering. The same fates, rate limit and ledger as
     * {@code /send}, in the same order; the dialect answers in its own provider's words.
     */
    record Admission(Refusal refusal, LedgerEntry entry, long delayMillis) {
        boolean late() {
            return entry != null && entry.late();
        }
    }

    Admission admit(String id, String channel, String to) {
        long receivedNanos = clock.nanos();
        long receivedAtMillis = clock.wallMillis();
        Fates.Fate fate = fates.next();
        if (fate.outcome() == Fates.Outcome.FAIL) {
            ledger.refuse(Refusal.FAILED);
            return new Admission(Refusal.FAILED, null, fate.delayMillis());
        }
        if (limiter != null && !limiter.tryTake(receivedNanos)) {
            ledger.refuse(Refusal.RATE_LIMITED);
            return new Admission(Refusal.RATE_LIMITED, null, fate.delayMillis());
        }
        boolean late = fate.outcome() == Fates.Outcome.LATE;
        return new Admission(null, ledger.accept(id, channel, to, receivedNanos, receivedAtMillis, late), fate.delayMillis());
    }

    private static Send parse(byte[] body) throws BadRequest {
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (JacksonException e) {
            throw new BadRequest("the body is not valid JSON");
        } catch (java.io.IOException e) {
            throw new BadRequest("the body could not be read");
        }
        if (json == null || !json.isObject()) {
            throw new BadRequest("the body must be a JSON object");
        }
        JsonNode id = json.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new BadRequest("id: required, a non-empty string");
        }
        for (String field : TEXT_FIELDS) {
            JsonNode value = json.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                throw new BadRequest(field + ": must be a string");
            }
        }
        return new Send(id.asText(), text(json, "channel"), text(json, "to"));
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void pause(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(Json.write(java.util.Map.of("error", message)));
    }
}

package dev.parley.http;

import dev.parley.core.Failure;
import dev.parley.core.SecretBox;
import dev.parley.core.Tokens;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * {@code Idempotency-Key} for create-type POSTs (SPEC §2): the first request with a key reserves it,
 * runs, and stores its status and body; a repeat with the same request replays them with
 * {@code Idempotent-Replayed: true}; the same key with another request is a 422; a repeat while the
 * first still runs is a 409. A reservation whose request died with its node (older than
 * {@link #ABANDONED}) may be taken over. Records live 24 hours per tenant; stored answers are sealed
 * with the server key, since a create's answer may carry a secret shown only once.
 */
public final class Idempotency {
    public static final String HEADER = "Idempotency-Key";
    static final Duration KEEP = Duration.ofHours(24);
    static final Duration ABANDONED = Duration.ofMinutes(5);
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecretBox box;

    /** @param box seals stored answers: a create's answer can hold a secret shown only once */
    public Idempotency(Jdbi jdbi, Clock clock, SecretBox box) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.box = box;
    }

    /** Runs {@code action} under the request's key, if it has one. */
    public void run(Context ctx, String scope, String caller, ThrowingRunnable action) throws Exception {
        run(ctx, scope, caller, false, action);
    }

    /**
     * As {@link #run(Context, String, String, ThrowingRunnable)}. An {@code upload}'s body is a file streamed to
     * disk, never read into memory, so its fingerprint is the method, path, query, media type (without
     * the multipart boundary, which clients pick afresh per request) and declared length.
     */
    public void run(Context ctx, String scope, String caller, boolean upload, ThrowingRunnable action) throws Exception {
        String key = ctx.header(HEADER);
        if (key == null) {
            action.run();
            return;
        }
        if (!VALID_KEY.matcher(key).matches()) {
            throw new Failure.Invalid(HEADER, "invalid", "Idempotency-Key must be 1 to 255 printable ASCII characters");
        }
        // The caller is part of the fingerprint: another user or key of the tenant reusing the key gets a 422,
        // never the first caller's answer (which may hold a one-time secret).
        String fingerprint = Tokens.sha256(caller + "\n" + ctx.method() + " " + ctx.path() + "\n"
                + (upload ? uploadShape(ctx) : ctx.body()));
        Optional<Stored> replay = reserve(scope, key, fingerprint);
        if (replay.isPresent()) {
            Stored stored = replay.get();
            ctx.status(stored.status())
                    .contentType(stored.status() >= 400 ? Problems.CONTENT_TYPE : "application/json")
                    .header("Idempotent-Replayed", "true")
                    .result(stored.body() == null ? "" : stored.body());
            return;
        }
        boolean finished = false;
        try {
            action.run();
            int status = ctx.statusCode();
            if (status < 500) {
                jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE idempotency_key SET state = 'done', response_status = :status, response_body = :body
                        WHERE scope = :scope AND idem_key = :key""")
                        .bind("status", status).bind("body", ctx.result() == null ? null : box.seal(ctx.result()))
                        .bind("scope", scope).bind("key", key).execute());
                finished = true;
            }
        } finally {
            if (!finished) {
                release(scope, key);
            }
        }
    }

    private static String uploadShape(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().split(";", 2)[0].trim();
        return "?" + ctx.queryString() + "\n" + type + "\n" + ctx.contentLength();
    }

    private Optional<Stored> reserve(String scope, String key, String fingerprint) {
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM idempotency_key WHERE scope = :scope AND idem_key = :key AND created_at < :cutoff")
                    .bind("scope", scope).bind("key", key).bind("cutoff", now.minus(KEEP)).execute();
            Optional<Row> existing = h.createQuery("""
                    SELECT fingerprint, state, response_status, response_body, created_at
                    FROM idempotency_key WHERE scope = :scope AND idem_key = :key FOR UPDATE""")
                    .bind("scope", scope).bind("key", key)
                    .map((rs, c) -> new Row(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant()))
                    .findOne();
            if (existing.isEmpty()) {
                try {
                    h.createUpdate("""
                            INSERT INTO idempotency_key (scope, idem_key, fingerprint, state, created_at)
                            VALUES (:scope, :key, :fingerprint, 'in_progress', :now)""")
                            .bind("scope", scope).bind("key", key).bind("fingerprint", fingerprint).bind("now", now)
                            .execute();
                } catch (UnableToExecuteStatementException raced) {
                    throw new Failure.Conflict("a request with this Idempotency-Key is in progress", "in_progress");
                }
                return Optional.empty();
            }
            Row row = existing.get();
            if (!row.fingerprint().equals(fingerprint)) {
                throw new Failure.KeyReused("this Idempotency-Key was used with a different request");
            }
            if (row.state().equals("done")) {
                try {
                    return Optional.of(new Stored(row.status(), row.body() == null ? null : box.open(row.body())));
                } catch (IllegalArgumentException sealedWithAnotherKey) {
                    // The server secret changed since: the answer cannot be replayed, so the request runs anew.
                    h.createUpdate("""
                            UPDATE idempotency_key SET state = 'in_progress', response_status = NULL, response_body = NULL,
                                   created_at = :now WHERE scope = :scope AND idem_key = :key""")
                            .bind("now", now).bind("scope", scope).bind("key", key).execute();
                    return Optional.empty();
                }
            }
            if (row.createdAt().isAfter(now.minus(ABANDONED))) {
                throw new Failure.Conflict("a request with this Idempotency-Key is in progress", "in_progress");
            }
            h.createUpdate("UPDATE idempotency_key SET created_at = :now WHERE scope = :scope AND idem_key = :key")
                    .bind("now", now).bind("scope", scope).bind("key", key).execute();
            return Optional.empty();
        });
    }

    private void release(String scope, String key) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM idempotency_key WHERE scope = :scope AND idem_key = :key AND state = 'in_progress'")
                .bind("scope", scope).bind("key", key).execute());
    }

    /** Deletes records past their 24 hours; returns how many. */
    public int purge() {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM idempotency_key WHERE created_at < :cutoff")
                .bind("cutoff", clock.instant().minus(KEEP)).execute());
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    private record Row(String fingerprint, String state, int status, String body, Instant createdAt) {}

    private record Stored(int status, String body) {}
}

package dev.parley.tenancy;

import dev.parley.core.Ids;
import dev.parley.core.Tokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Login sessions: an opaque 256-bit token ({@code ps_…}) given to the client once and stored only as its
 * SHA-256. A session ends at its expiry, at logout, at a password change or when its user is disabled.
 * The CSRF token is derived from the session id with the server key, so it needs no storage.
 */
public final class Sessions {
    public static final String TOKEN_PREFIX = "ps_";

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration ttl;
    private final byte[] key;

    public Sessions(Jdbi jdbi, Clock clock, Duration ttl, byte[] key) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ttl = ttl;
        this.key = key.clone();
    }

    /** A session as given to its client; {@code token} exists only here. */
    public record Issued(String id, String token, Instant expiresAt, String csrfToken) {}

    /** A live session found by its token, with its user. */
    public record Live(String id, User user, String tenantStatus) {}

    public Issued create(User user, String address, String userAgent) {
        String id = Ids.next("ses", clock);
        String token = Tokens.random(TOKEN_PREFIX, 32);
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO user_session (id, token_hash, user_id, tenant_id, created_at, expires_at, address, user_agent)
                VALUES (:id, :hash, :user, :tenant, :now, :expires, :address, :agent)""")
                .bind("id", id).bind("hash", Tokens.sha256(token)).bind("user", user.id()).bind("tenant", user.tenantId())
                .bind("now", now).bind("expires", expires).bind("address", address)
                .bind("agent", userAgent == null ? null : userAgent.substring(0, Math.min(300, userAgent.length())))
                .execute());
        return new Issued(id, token, expires, csrfToken(id));
    }

    public Optional<Live> find(String token) {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT s.id AS session_id, t.status AS tenant_status, u.*
                FROM user_session s
                JOIN app_user u ON u.id = s.user_id
                LEFT JOIN tenant t ON t.id = u.tenant_id
                WHERE s.token_hash = :hash AND s.revoked_at IS NULL AND s.expires_at > :now AND u.disabled = FALSE""")
                .bind("hash", Tokens.sha256(token)).bind("now", now)
                .map((rs, ctx) -> new Live(rs.getString("session_id"), User.map(rs), rs.getString("tenant_status")))
                .findOne());
    }

    public void revoke(String sessionId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE user_session SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                .bind("now", clock.instant()).bind("id", sessionId).execute());
    }

    /** Ends every session of a user, except {@code keep} (may be null). */
    public void revokeAllOf(org.jdbi.v3.core.Handle h, String userId, String keep) {
        h.createUpdate("""
                UPDATE user_session SET revoked_at = :now
                WHERE user_id = :user AND revoked_at IS NULL AND (CAST(:keep AS VARCHAR) IS NULL OR id <> :keep)""")
                .bind("now", clock.instant()).bind("user", userId).bind("keep", keep).execute();
    }

    public String csrfToken(String sessionId) {
        return Tokens.hmacBase64(key, "csrf:" + sessionId);
    }

    /** Deletes sessions that ended more than a day ago. */
    public int purge() {
        Instant cutoff = clock.instant().minus(Duration.ofDays(1));
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM user_session WHERE expires_at < :cutoff OR revoked_at < :cutoff")
                .bind("cutoff", cutoff).execute());
    }

    public Duration ttl() {
        return ttl;
    }
}

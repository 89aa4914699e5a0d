package dev.parley.contacts;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Tokens;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Addresses never to be sent to on a channel (SPEC §3): added by hand, from a suppression file, and
 * later by STOP replies and unsubscribe links ({@link #add} with another {@code source}). Each row keeps
 * {@code address_hash}, SHA-256 of {@code channel:address}; an erasure clears the address and keeps the
 * hash, so {@link #isSuppressed} still holds for an erased person. Addresses are normalised like
 * contacts' (E.164, lowercased email).
 */
public final class Suppressions {
    private final Clock clock;

    public Suppressions(Clock clock) {
        this.clock = clock;
    }

    public record Suppression(String id, String channel, String address, String reason, String source, Instant createdAt) {}

    /** The answer of {@link #add}: the row, and whether it was new. */
    public record Added(Suppression suppression, boolean created) {}

    public static String hash(String channel, String normalisedAddress) {
        return Tokens.addressHash(channel, normalisedAddress);
    }

    /** {@code address} normalised for {@code channel}, or the reason it cannot be. */
    public static Checked normalise(String channel, String address, String region) {
        return channel.equals("email") ? EmailAddresses.normalise(address) : PhoneNumbers.toE164(address, region);
    }

    /** Adds a suppression; an address already suppressed on the channel answers the existing row. */
    public Added add(TenantHandle th, String channel, String address, String reason, String source) {
        String h = hash(channel, address);
        Optional<Suppression> existing = byHash(th, channel, h);
        if (existing.isPresent()) {
            return new Added(existing.get(), false);
        }
        String id = Ids.next("sup", clock);
        th.update("""
                INSERT INTO suppression (id, tenant_id, channel, address, address_hash, reason, source, created_at)
                VALUES (:id, :tenant, :channel, :address, :hash, :reason, :source, :now)""")
                .bind("id", id).bind("channel", channel).bind("address", address).bind("hash", h)
                .bind("reason", reason).bind("source", source).bind("now", clock.instant()).execute();
        return new Added(get(th, id), true);
    }

    public boolean isSuppressed(TenantHandle th, String channel, String normalisedAddress) {
        return byHash(th, channel, hash(channel, normalisedAddress)).isPresent();
    }

    public Suppression get(TenantHandle th, String id) {
        return th.query(SELECT + " WHERE tenant_id = :tenant AND id = :id").bind("id", id).map(Suppressions::map).findOne()
                .orElseThrow(() -> new Failure.NotFound("suppression"));
    }

    public List<Suppression> list(TenantHandle th, String channel, String address, Pages.Request page) {
        return th.query(SELECT + """
                         WHERE tenant_id = :tenant AND (CAST(:before AS VARCHAR) IS NULL OR id < :before)
                          AND (CAST(:channel AS VARCHAR) IS NULL OR channel = :channel)
                          AND (CAST(:address AS VARCHAR) IS NULL OR address = :address)
                        ORDER BY id DESC LIMIT :limit""")
                .bind("before", page.before()).bind("channel", channel).bind("address", address).bind("limit", page.limit() + 1)
                .map(Suppressions::map).list();
    }

    public void delete(TenantHandle th, String id) {
        if (th.update("DELETE FROM suppression WHERE tenant_id = :tenant AND id = :id").bind("id", id).execute() == 0) {
            throw new Failure.NotFound("suppression");
        }
    }

    /** Lifts the suppression of a normalised address on a channel (a START reply); false when there was none. */
    public boolean remove(TenantHandle th, String channel, String normalisedAddress) {
        return th.update("DELETE FROM suppression WHERE tenant_id = :tenant AND channel = :channel AND address_hash = :hash")
                .bind("channel", channel).bind("hash", hash(channel, normalisedAddress)).execute() > 0;
    }

    private Optional<Suppression> byHash(TenantHandle th, String channel, String h) {
        return th.query(SELECT + " WHERE tenant_id = :tenant AND channel = :channel AND address_hash = :hash")
                .bind("channel", channel).bind("hash", h).map(Suppressions::map).findOne();
    }

    private static final String SELECT = "SELECT id, channel, address, reason, source, created_at FROM suppression";

    private static Suppression map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new Suppression(rs.getString("id"), rs.getString("channel"), rs.getString("address"), rs.getString("reason"),
                rs.getString("source"), rs.getTimestamp("created_at").toInstant());
    }
}

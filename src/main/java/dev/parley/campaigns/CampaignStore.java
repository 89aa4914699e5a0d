package dev.parley.campaigns;

import dev.parley.core.Failure;
import dev.parley.core.Json;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SQL for the {@code campaign} table. The definition is JSON ({@code definition_json}); the fields other
 * components read by SQL (status, channel, guarantee, rate) are columns of their own.
 */
final class CampaignStore {
    static final String COLUMNS = """
            id, tenant_id, name, channel, status, guarantee, rate_per_second, definition_json, start_at, started_at,
            completed_at, expanded_through, expanded, audience_estimate, cost_actual, created_at, updated_at""";

    /** A stored campaign with what only the server sees (expansion cursor, estimate). */
    record Row(String id, String tenantId, String name, String channel, CampaignStatus status, CampaignInput definition,
               Instant startAt, Instant startedAt, Instant completedAt, String expandedThrough, boolean expanded,
               Long audienceEstimate, BigDecimal costActual, Instant createdAt, Instant updatedAt) {}

    void insert(TenantHandle th, String id, CampaignInput in, String actor, Instant now) {
        th.update("""
                INSERT INTO campaign (id, tenant_id, name, channel, status, guarantee, rate_per_second, definition_json,
                                      created_by, created_at, updated_at)
                VALUES (:id, :tenant, :name, :channel, 'draft', :guarantee, :rate, :def, :actor, :now, :now)""")
                .bind("id", id).bind("name", in.name()).bind("channel", in.channel()).bind("guarantee", in.guarantee())
                .bind("rate", in.ratePerSecond()).bind("def", Json.write(in)).bind("actor", actor).bind("now", now)
                .execute();
    }

    /** Rewrites the definition while the campaign is still editable; false when it no longer is. */
    boolean update(TenantHandle th, String id, CampaignInput in, Instant now) {
        return th.update("""
                UPDATE campaign SET name = :name, channel = :channel, guarantee = :guarantee, rate_per_second = :rate,
                       definition_json = :def, updated_at = :now
                WHERE tenant_id = :tenant AND id = :id AND status IN ('draft', 'scheduled')""")
                .bind("id", id).bind("name", in.name()).bind("channel", in.channel()).bind("guarantee", in.guarantee())
                .bind("rate", in.ratePerSecond()).bind("def", Json.write(in)).bind("now", now).execute() == 1;
    }

    Optional<Row> get(TenantHandle th, String id) {
        return th.query("SELECT " + COLUMNS + " FROM campaign WHERE tenant_id = :tenant AND id = :id")
                .bind("id", id).map((rs, c) -> map(rs)).findOne();
    }

    /** Newest first, {@code limit + 1} rows so the caller can tell whether another page follows. */
    List<Row> list(TenantHandle th, Pages.Request page) {
        return th.query("SELECT " + COLUMNS + " FROM campaign WHERE tenant_id = :tenant"
                        + " AND (CAST(:before AS VARCHAR) IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
                .bind("before", page.before()).bind("limit", page.limit() + 1).map((rs, c) -> map(rs)).list();
    }

    boolean delete(TenantHandle th, String id) {
        th.update("DELETE FROM campaign_counter WHERE campaign_id = :id AND EXISTS (SELECT 1 FROM campaign c "
                + "WHERE c.id = :id AND c.tenant_id = :tenant AND c.status IN ('draft', 'scheduled'))").bind("id", id).execute();
        return th.update("DELETE FROM campaign WHERE tenant_id = :tenant AND id = :id AND status IN ('draft', 'scheduled')")
                .bind("id", id).execute() == 1;
    }

    /**
     * The transition: {@code UPDATE … WHERE id = :id AND status IN (:from)}, with {@code set} (constant SQL
     * assignments, which may use {@code :now} and the names of {@code binds}) applied too. False when the campaign was in none
     * of {@code from} (someone else moved it first, or the move is illegal). More than one row is a bug.
     */
    boolean move(TenantHandle th, String id, Set<CampaignStatus> from, CampaignStatus to, String set, Instant now,
                 java.util.Map<String, Object> binds) {
        var update = th.update("UPDATE campaign SET status = :to, updated_at = :now" + (set.isEmpty() ? "" : ", " + set)
                        + " WHERE tenant_id = :tenant AND id = :id AND status IN (<from>)")
                .bind("id", id).bind("to", to.wire()).bind("now", now)
                .bindList("from", from.stream().map(CampaignStatus::wire).sorted().toList());
        binds.forEach(update::bind);
        int n = update.execute();
        if (n > 1) {
            throw new IllegalStateException("campaign transition moved " + n + " rows for " + id);
        }
        return n == 1;
    }

    static Row map(ResultSet rs) throws SQLException {
        double rate = rs.getDouble("rate_per_second");
        boolean noRate = rs.wasNull();
        long estimate = rs.getLong("audience_estimate");
        boolean noEstimate = rs.wasNull();
        CampaignInput def;
        try {
            def = Json.mapper().readValue(rs.getString("definition_json"), CampaignInput.class);
        } catch (Exception e) {
            throw new IllegalStateException("campaign " + rs.getString("id") + " has an unreadable definition", e);
        }
        return new Row(rs.getString("id"), rs.getString("tenant_id"), rs.getString("name"), rs.getString("channel"),
                CampaignStatus.of(rs.getString("status")), def, instant(rs, "start_at"), instant(rs, "started_at"),
                instant(rs, "completed_at"), rs.getString("expanded_through"), rs.getBoolean("expanded"),
                noEstimate ? null : estimate, rs.getBigDecimal("cost_actual"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Failure.NotFound notFound() {
        return new Failure.NotFound("campaign");
    }
}

package dev.parley.providers;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Json;
import dev.parley.core.SecretBox;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Provider accounts. Secret config fields (per type, {@link ProviderTypes#secretFields}) are sealed with the
 * server key before they are stored and are write-only in the API: a PATCH that leaves one out keeps it.
 */
public final class ProviderStore {
    static final String MASK = "********";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecretBox box;

    public ProviderStore(Jdbi jdbi, Clock clock, SecretBox box) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.box = box;
    }

    /** A row with its config opened: for building the adapter, never for answers. */
    public record Row(String id, String tenantId, String name, String type, String channel, Map<String, Object> config,
                      Double ratePerSecond, boolean enabled, Instant createdAt, Instant updatedAt) {
        public ProviderAccount masked() {
            Map<String, Object> shown = new LinkedHashMap<>(config);
            for (String secret : ProviderTypes.secretFields(type)) {
                if (shown.containsKey(secret)) {
                    shown.put(secret, MASK);
                }
            }
            return new ProviderAccount(id, name, type, channel, shown, ratePerSecond, enabled, createdAt, updatedAt);
        }
    }

    public Row create(TenantHandle h, String name, String type, String channel, Map<String, Object> config, Double rate,
                      boolean enabled) {
        String id = Ids.next("prv", clock);
        Instant now = clock.instant();
        h.update("""
                INSERT INTO provider (id, tenant_id, name, type, channel, config_json, rate_per_second, enabled, created_at, updated_at)
                VALUES (:id, :tenant, :name, :type, :channel, :config, :rate, :enabled, :now, :now)""")
                .bind("id", id).bind("name", name).bind("type", type).bind("channel", channel)
                .bind("config", seal(type, config)).bind("rate", rate).bind("enabled", enabled).bind("now", now).execute();
        return new Row(id, h.tenantId(), name, type, channel, config, rate, enabled, now, now);
    }

    public Row update(TenantHandle h, String id, String name, Map<String, Object> configPatch, Double rate, boolean clearRate,
                      Boolean enabled) {
        Row current = get(h, id);
        Map<String, Object> config = new LinkedHashMap<>(current.config());
        if (configPatch != null) {
            configPatch.forEach((k, v) -> {
                if (!MASK.equals(v)) {
                    config.put(k, v);
                }
            });
            config.values().removeIf(v -> v == null);
        }
        Double newRate = clearRate ? null : rate != null ? rate : current.ratePerSecond();
        h.update("""
                UPDATE provider SET name = :name, config_json = :config, rate_per_second = :rate, enabled = :enabled,
                       updated_at = :now WHERE tenant_id = :tenant AND id = :id""")
                .bind("name", name != null ? name : current.name()).bind("config", seal(current.type(), config))
                .bind("rate", newRate).bind("enabled", enabled != null ? enabled : current.enabled())
                .bind("now", clock.instant()).bind("id", id).execute();
        return get(h, id);
    }

    public Row get(TenantHandle h, String id) {
        return find(h, id).orElseThrow(() -> new Failure.NotFound("provider"));
    }

    public Optional<Row> find(TenantHandle h, String id) {
        return h.query("SELECT * FROM provider WHERE tenant_id = :tenant AND id = :id").bind("id", id)
                .map((rs, c) -> map(rs)).findOne();
    }

    public List<Row> list(TenantHandle h, Pages.Request page) {
        return h.query("""
                SELECT * FROM provider WHERE tenant_id = :tenant AND (CAST(:before AS VARCHAR) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
                .bind("before", page.before()).bind("limit", page.limit() + 1).map((rs, c) -> map(rs)).list();
    }

    /** Deletes an account no open message refers to. */
    public void delete(TenantHandle h, String id) {
        get(h, id);
        int open = h.query("""
                SELECT COUNT(*) FROM message WHERE tenant_id = :tenant AND provider_id = :id
                AND status IN ('scheduled', 'queued', 'sending')""").bind("id", id).mapTo(Integer.class).one();
        if (open > 0) {
            throw new Failure.Conflict(open + " waiting message(s) use this provider; disable it instead", "inUse");
        }
        int sent = h.query("SELECT COUNT(*) FROM message WHERE tenant_id = :tenant AND provider_id = :id")
                .bind("id", id).mapTo(Integer.class).one();
        if (sent > 0) {
            h.update("UPDATE provider SET enabled = FALSE, updated_at = :now WHERE tenant_id = :tenant AND id = :id")
                    .bind("now", clock.instant()).bind("id", id).execute();
            throw new Failure.Conflict("messages refer to this provider, so it was disabled instead of deleted", "disabled");
        }
        h.update("DELETE FROM route_rule WHERE tenant_id = :tenant AND provider_id = :id").bind("id", id).execute();
        h.update("DELETE FROM sticky_sender WHERE tenant_id = :tenant AND provider_id = :id").bind("id", id).execute();
        h.update("DELETE FROM provider WHERE tenant_id = :tenant AND id = :id").bind("id", id).execute();
    }

    /** The first enabled account of a channel, oldest first: the route until routing rules exist. */
    public Optional<Row> defaultFor(TenantHandle h, String channel) {
        return h.query("""
                SELECT * FROM provider WHERE tenant_id = :tenant AND channel = :channel AND enabled = TRUE
                ORDER BY id LIMIT 1""").bind("channel", channel).map((rs, c) -> map(rs)).findOne();
    }

    /** Loads any tenant's account by id, for the delivery workers (no tenant scope: they serve every tenant). */
    public Optional<Row> load(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM provider WHERE id = :id").bind("id", id)
                .map((rs, c) -> map(rs)).findOne());
    }

    private String seal(String type, Map<String, Object> config) {
        Map<String, Object> stored = new LinkedHashMap<>(config);
        for (String secret : ProviderTypes.secretFields(type)) {
            Object value = stored.get(secret);
            if (value instanceof String s) {
                stored.put(secret, box.seal(s));
            }
        }
        return Json.write(stored);
    }

    private Row map(java.sql.ResultSet rs) throws java.sql.SQLException {
        Map<String, Object> config;
        try {
            config = new LinkedHashMap<>(Json.mapper().readValue(rs.getString("config_json"), MAP));
        } catch (Exception e) {
            throw new IllegalStateException("provider " + rs.getString("id") + " has unreadable config", e);
        }
        for (String secret : ProviderTypes.secretFields(rs.getString("type"))) {
            if (config.get(secret) instanceof String sealed) {
                config.put(secret, box.open(sealed));
            }
        }
        double rawRate = rs.getDouble("rate_per_second");
        Double rate = rs.wasNull() ? null : rawRate;
        return new Row(rs.getString("id"), rs.getString("tenant_id"), rs.getString("name"), rs.getString("type"),
                rs.getString("channel"), config, rate, rs.getBoolean("enabled"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}

package dev.parley.tenancy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.core.Failure;
import dev.parley.core.Json;
import dev.parley.db.TenantHandle;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A tenant's settings (SPEC §3): name, default region for phone numbers, time zone, the texts sent on
 * HELP and STOP, retention periods and the default send window. Scalars are columns; retention and
 * the send window are kept as JSON beside them.
 */
public final class TenantSettings {
    private final Clock clock;
    private final AuditLog audit;

    public TenantSettings(Clock clock, AuditLog audit) {
        this.clock = clock;
        this.audit = audit;
    }

    /** Days to keep each kind of data; null keeps it forever. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Retention(Integer messagesDays, Integer inboundDays, Integer importsDays, Integer auditDays) {
        static final Retention NONE = new Retention(null, null, null, null);
    }

    /** Local hours in which campaign messages may go out, by default. */
    public record SendWindow(java.util.List<String> days, String from, String to) {}

    public record Settings(String name, String defaultRegion, String timezone, String helpText, String stopConfirmation,
                           Retention retention, SendWindow defaultSendWindow) {}

    record Extra(Retention retention, SendWindow defaultSendWindow) {}

    public Settings get(TenantHandle h) {
        return h.query("""
                SELECT name, default_region, timezone, help_text, stop_confirmation, settings_json
                FROM tenant WHERE id = :tenant""")
                .map((rs, ctx) -> {
                    Extra extra = readExtra(rs.getString("settings_json"));
                    return new Settings(rs.getString("name"), rs.getString("default_region"), rs.getString("timezone"),
                            rs.getString("help_text"), rs.getString("stop_confirmation"),
                            extra.retention() == null ? Retention.NONE : extra.retention(), extra.defaultSendWindow());
                })
                .findOne().orElseThrow(() -> new Failure.NotFound("tenant"));
    }

    /** Applies the non-null fields of {@code patch}; returns the new settings. */
    public Settings update(TenantHandle h, Settings patch, AuditLog.Actor actor) {
        Settings current = get(h);
        Settings next = new Settings(
                Objects.requireNonNullElse(patch.name(), current.name()),
                patch.defaultRegion() != null ? patch.defaultRegion() : current.defaultRegion(),
                Objects.requireNonNullElse(patch.timezone(), current.timezone()),
                patch.helpText() != null ? patch.helpText() : current.helpText(),
                patch.stopConfirmation() != null ? patch.stopConfirmation() : current.stopConfirmation(),
                patch.retention() != null ? patch.retention() : current.retention(),
                patch.defaultSendWindow() != null ? patch.defaultSendWindow() : current.defaultSendWindow());
        h.update("""
                UPDATE tenant SET name = :name, default_region = :region, timezone = :timezone, help_text = :help,
                       stop_confirmation = :stop, settings_json = :extra, updated_at = :now
                WHERE id = :tenant""")
                .bind("name", next.name()).bind("region", next.defaultRegion()).bind("timezone", next.timezone())
                .bind("help", next.helpText()).bind("stop", next.stopConfirmation())
                .bind("extra", Json.write(new Extra(next.retention(), next.defaultSendWindow())))
                .bind("now", clock.instant())
                .execute();
        Map<String, Object> changed = new LinkedHashMap<>(Json.mapper().convertValue(patch, Map.class));
        changed.values().removeIf(Objects::isNull);
        audit.record(h.raw(), h.tenantId(), actor, "settings.updated", "tenant", h.tenantId(), changed);
        return next;
    }

    private static Extra readExtra(String json) {
        try {
            return Json.mapper().readValue(json, Extra.class);
        } catch (Exception e) {
            return new Extra(null, null);
        }
    }
}

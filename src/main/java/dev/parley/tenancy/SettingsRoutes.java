package dev.parley.tenancy;

import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import dev.parley.http.Replies;
import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** {@code /v1/settings} (read by anyone in the tenant, changed by admins) and {@code /v1/audit-events}. */
public final class SettingsRoutes {
    private static final Set<String> REGIONS = Set.of(Locale.getISOCountries());
    private static final Set<String> DAYS = Set.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

    private final Jdbi jdbi;
    private final TenantSettings settings;
    private final AuditLog audit;
    private final Pages pages;

    public SettingsRoutes(Jdbi jdbi, TenantSettings settings, AuditLog audit, Pages pages) {
        this.jdbi = jdbi;
        this.settings = settings;
        this.audit = audit;
        this.pages = pages;
    }

    public void register(Api api) {
        api.get("/v1/settings", Access.role(Role.AGENT), this::get);
        api.patch("/v1/settings", Access.role(Role.ADMIN), this::patch);
        api.get("/v1/audit-events", Access.role(Role.ADMIN), this::auditEvents);
    }

    private void get(Context ctx, Principal who) {
        Replies.json(ctx, 200, jdbi.withHandle(h -> settings.get(new TenantHandle(h, who.tenantId()))));
    }

    private void patch(Context ctx, Principal who) {
        TenantSettings.Settings req = Bodies.read(ctx, TenantSettings.Settings.class);
        Checks checks = new Checks()
                .check(req.name() == null || !req.name().isBlank(), "name", "required", "name cannot be blank")
                .maxLength("name", req.name(), 200)
                .check(req.defaultRegion() == null || REGIONS.contains(req.defaultRegion()), "defaultRegion", "invalid",
                        "defaultRegion must be an ISO 3166 alpha-2 code such as GB, NG or US")
                .check(req.timezone() == null || validZone(req.timezone()), "timezone", "invalid",
                        "timezone must be an IANA zone such as Europe/London")
                .maxLength("helpText", req.helpText(), 1000)
                .maxLength("stopConfirmation", req.stopConfirmation(), 1000);
        if (req.retention() != null) {
            var r = req.retention();
            checkDays(checks, "retention.messagesDays", r.messagesDays());
            checkDays(checks, "retention.inboundDays", r.inboundDays());
            checkDays(checks, "retention.importsDays", r.importsDays());
            checkDays(checks, "retention.auditDays", r.auditDays());
        }
        if (req.defaultSendWindow() != null) {
            var w = req.defaultSendWindow();
            checks.check(validDays(w.days()), "defaultSendWindow.days",
                    "invalid", "days must list each of MON, TUE, WED, THU, FRI, SAT or SUN at most once");
            checks.check(validTime(w.from()), "defaultSendWindow.from", "invalid", "from must be a time HH:MM");
            checks.check(validTime(w.to()), "defaultSendWindow.to", "invalid", "to must be a time HH:MM");
        }
        checks.done();
        TenantSettings.Settings trimmed = new TenantSettings.Settings(req.name() == null ? null : req.name().trim(),
                req.defaultRegion(), req.timezone(), req.helpText(), req.stopConfirmation(), req.retention(),
                req.defaultSendWindow());
        Replies.json(ctx, 200, jdbi.inTransaction(h ->
                settings.update(new TenantHandle(h, who.tenantId()), trimmed, Actors.of(ctx, who))));
    }

    private void auditEvents(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        Replies.json(ctx, 200, pages.page(audit.list(who.tenantId(), page), page, AuditLog.Event::id));
    }

    private static void checkDays(Checks checks, String field, Integer days) {
        checks.check(days == null || (days >= 1 && days <= 36500), field, "range", field + " must be from 1 to 36500 days");
    }

    /** One to seven distinct days. Null elements are refused here: {@code Set.of(...).contains(null)} throws. */
    private static boolean validDays(java.util.List<String> days) {
        return days != null && !days.isEmpty() && days.size() <= DAYS.size()
                && days.stream().allMatch(d -> d != null && DAYS.contains(d))
                && new java.util.HashSet<>(days).size() == days.size();
    }

    private static boolean validZone(String zone) {
        try {
            return ZoneId.getAvailableZoneIds().contains(zone) && ZoneId.of(zone) != null;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private static boolean validTime(String time) {
        if (time == null || !time.matches("\\d{2}:\\d{2}")) {
            return false;
        }
        try {
            LocalTime.parse(time);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }
}

package dev.parley.contacts;

import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import dev.parley.http.Replies;
import dev.parley.http.Uploads;
import dev.parley.tenancy.TenantSettings;
import io.javalin.http.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jdbi.v3.core.Jdbi;

/** {@code /v1/suppressions}: list, add, remove and import from a file (supervisors). */
public final class SuppressionRoutes {
    private final Jdbi jdbi;
    private final Suppressions suppressions;
    private final SuppressionImport fileImport;
    private final TenantSettings settings;
    private final Pages pages;
    private final Path uploadDir;
    private final long maxUploadBytes;

    public SuppressionRoutes(Jdbi jdbi, Suppressions suppressions, dev.parley.db.Dialect dialect, java.time.Clock clock,
                             TenantSettings settings, Pages pages, Path dataDir, long maxUploadBytes) {
        this.jdbi = jdbi;
        this.suppressions = suppressions;
        this.fileImport = new SuppressionImport(jdbi, dialect, clock);
        this.settings = settings;
        this.pages = pages;
        this.uploadDir = dataDir.resolve("imports").resolve("uploads");
        this.maxUploadBytes = maxUploadBytes;
    }

    record SuppressionBody(String channel, String address, String reason) {}

    public void register(Api api) {
        Access supervisors = Access.role(Role.SUPERVISOR);
        api.get("/v1/suppressions", supervisors, this::list);
        api.create("/v1/suppressions", supervisors, this::create);
        api.delete("/v1/suppressions/{id}", supervisors, this::delete);
        api.upload("/v1/suppressions/import", supervisors, this::importFile);
    }

    private void list(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        String channel = ContactInput.blankToNull(ctx.queryParam("channel"));
        String address = ContactInput.blankToNull(ctx.queryParam("address"));
        new Checks().check(channel == null || Consents.CHANNELS.contains(channel), "channel", "invalid", "channel must be sms or email")
                .check(address == null || channel != null, "address", "needsChannel", "filtering by address needs channel too").done();
        Replies.json(ctx, 200, jdbi.withHandle(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            String normalised = address == null ? null : valid(channel, address, settings.get(th).defaultRegion());
            return pages.page(suppressions.list(th, channel, normalised, page), page, Suppressions.Suppression::id);
        }));
    }

    private void create(Context ctx, Principal who) {
        SuppressionBody body = Bodies.read(ctx, SuppressionBody.class);
        new Checks().required("channel", body.channel())
                .check(body.channel() == null || Consents.CHANNELS.contains(body.channel()), "channel", "invalid", "channel must be sms or email")
                .required("address", body.address()).maxLength("address", body.address(), 320)
                .maxLength("reason", body.reason(), 500).done();
        Suppressions.Added added = jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            String address = valid(body.channel(), body.address(), settings.get(th).defaultRegion());
            return suppressions.add(th, body.channel(), address, ContactInput.blankToNull(body.reason()), "manual");
        });
        Replies.json(ctx, added.created() ? 201 : 200, added.suppression());
    }

    private void delete(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "sup", "suppression");
        jdbi.useTransaction(h -> suppressions.delete(new TenantHandle(h, who.tenantId()), id));
        Replies.noContent(ctx);
    }

    private void importFile(Context ctx, Principal who) throws Exception {
        Uploads.Upload upload = Uploads.receive(ctx, uploadDir, maxUploadBytes);
        try {
            String channel = ContactInput.blankToNull(upload.field("channel"));
            String region = ContactInput.blankToNull(upload.field("region"));
            String reason = ContactInput.blankToNull(upload.field("reason"));
            new Checks().check(channel == null || Consents.CHANNELS.contains(channel), "channel", "invalid", "channel must be sms or email")
                    .check(region == null || PhoneNumbers.knownRegion(region), "region", "invalid", "region must be an ISO 3166 code such as GB")
                    .maxLength("reason", reason, 500).done();
            String effectiveRegion = region != null ? region
                    : jdbi.withHandle(h -> settings.get(new TenantHandle(h, who.tenantId())).defaultRegion());
            Replies.json(ctx, 200, fileImport.run(who.tenantId(), upload.file(), channel, effectiveRegion, reason));
        } finally {
            Files.deleteIfExists(upload.file());
        }
    }

    private static String valid(String channel, String address, String region) {
        Checked c = Suppressions.normalise(channel, address, region);
        if (!c.isOk()) {
            throw new dev.parley.core.Failure.Invalid("address", "invalid", c.problem());
        }
        return c.value();
    }
}

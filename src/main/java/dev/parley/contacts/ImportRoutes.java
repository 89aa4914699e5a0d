package dev.parley.contacts;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import dev.parley.http.Replies;
import dev.parley.http.Uploads;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code /v1/imports}: preview and create take the file as a {@code text/csv} body (options in the query)
 * or as multipart with a {@code file} part (options as form fields), streamed to disk up to
 * {@code PARLEY_MAX_IMPORT_BYTES}. Supervisors only.
 */
public final class ImportRoutes {
    private static final Set<String> OPTIONS = Set.of("listId", "listName", "region", "delimiter", "mapping", "policy",
            "unmappedAsAttributes", "consent");

    private final Jdbi jdbi;
    private final Imports imports;
    private final Pages pages;
    private final long maxUploadBytes;

    public ImportRoutes(Jdbi jdbi, Imports imports, Pages pages, long maxUploadBytes) {
        this.jdbi = jdbi;
        this.imports = imports;
        this.pages = pages;
        this.maxUploadBytes = maxUploadBytes;
    }

    public void register(Api api) {
        Access supervisors = Access.role(Role.SUPERVISOR);
        api.upload("/v1/imports/preview", supervisors, this::preview);
        api.createUpload("/v1/imports", supervisors, this::create);
        api.get("/v1/imports", supervisors, this::list);
        api.get("/v1/imports/{id}", supervisors, this::get);
        api.get("/v1/imports/{id}/rejects", supervisors, this::rejects);
        api.post("/v1/imports/{id}/cancel", supervisors, this::cancel);
    }

    private void preview(Context ctx, Principal who) throws Exception {
        Uploads.Upload upload = Uploads.receive(ctx, imports.uploadDir(), maxUploadBytes);
        try {
            Replies.json(ctx, 200, imports.preview(who.tenantId(), upload.file(), options(upload.fields())));
        } finally {
            Files.deleteIfExists(upload.file());
        }
    }

    private void create(Context ctx, Principal who) throws Exception {
        Uploads.Upload upload = Uploads.receive(ctx, imports.uploadDir(), maxUploadBytes);
        ImportJob job;
        try {
            job = imports.accept(who.tenantId(), upload.file(), upload.fileName(), options(upload.fields()), who.actorId(), false);
        } finally {
            Files.deleteIfExists(upload.file());
        }
        imports.startInBackground(who.tenantId(), job);
        ctx.header("Location", "/v1/imports/" + job.id());
        Replies.json(ctx, 202, Map.of("id", job.id(), "status", job.status()));
    }

    private void list(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        var rows = jdbi.withHandle(h -> imports.list(new TenantHandle(h, who.tenantId()), page));
        Replies.json(ctx, 200, pages.page(rows, page, ImportJob::id));
    }

    private void get(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "imp", "import");
        Replies.json(ctx, 200, jdbi.withHandle(h -> imports.get(new TenantHandle(h, who.tenantId()), id)));
    }

    private void cancel(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "imp", "import");
        Replies.json(ctx, 200, jdbi.inTransaction(h -> imports.cancel(new TenantHandle(h, who.tenantId()), id)));
    }

    private void rejects(Context ctx, Principal who) throws Exception {
        String id = Replies.pathId(ctx, "id", "imp", "import");
        jdbi.useTransaction(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            imports.get(th, id);
            ctx.status(200).contentType("text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"" + id + "-rejects.csv\"");
            try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8))) {
                imports.writeRejects(th, id, out);
            }
        });
    }

    /** Reads the import options from query parameters or form fields; unknown ones are a 400. */
    public static Imports.Options options(Map<String, String> f) {
        Checks checks = new Checks();
        for (String name : f.keySet()) {
            checks.check(OPTIONS.contains(name), name, "unknown", "unknown option '" + name + "'; use " + String.join(", ", OPTIONS));
        }
        String listId = ContactInput.blankToNull(f.get("listId"));
        String listName = ContactInput.blankToNull(f.get("listName"));
        String region = ContactInput.blankToNull(f.get("region"));
        String delimiter = f.get("delimiter");
        String policy = ContactInput.blankToNull(f.get("policy"));
        String unmapped = ContactInput.blankToNull(f.get("unmappedAsAttributes"));
        checks.check(listId == null || Ids.looksLike("lst", listId), "listId", "invalid", "listId must be a list id (lst_…)")
                .check(listId == null || listName == null, "listName", "conflict", "give listId or listName, not both")
                .maxLength("listName", listName, 200)
                .check(region == null || PhoneNumbers.knownRegion(region), "region", "invalid", "region must be an ISO 3166 code such as GB, NG or US")
                .check(delimiter == null || Set.of(",", ";", "\t", "|", "tab").contains(delimiter), "delimiter", "invalid",
                        "delimiter must be one of , ; | or tab")
                .check(policy == null || policy.equals("fillBlanks") || policy.equals("overwrite"), "policy", "invalid",
                        "policy must be fillBlanks or overwrite")
                .check(unmapped == null || unmapped.equals("true") || unmapped.equals("false"), "unmappedAsAttributes", "invalid",
                        "unmappedAsAttributes must be true or false");
        Map<String, String> mapping = null;
        Map<String, String> consent = null;
        try {
            mapping = ColumnMapping.parse(f.get("mapping"));
        } catch (Failure.Invalid e) {
            checks.add("mapping", "malformed", e.getMessage());
        }
        try {
            consent = ColumnMapping.parse(f.get("consent"));
        } catch (Failure.Invalid e) {
            checks.add("consent", "malformed", "consent must be sms=optedIn,email=optedIn or a JSON object");
        }
        if (consent != null) {
            consent.forEach((channel, status) -> checks.check(Consents.CHANNELS.contains(channel) && Consents.STATUSES.contains(status),
                    "consent", "invalid", "consent maps sms or email to optedIn, unknown or optedOut"));
        }
        checks.done();
        Character delim = delimiter == null ? null : delimiter.equals("tab") ? '\t' : delimiter.charAt(0);
        return new Imports.Options(listId, listName, region, delim, mapping, policy, "true".equals(unmapped), consent);
    }
}

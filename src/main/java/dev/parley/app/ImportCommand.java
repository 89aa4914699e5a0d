package dev.parley.app;

import dev.parley.contacts.ImportJob;
import dev.parley.contacts.ImportRoutes;
import dev.parley.contacts.Imports;
import dev.parley.core.Failure;
import dev.parley.core.Json;
import dev.parley.db.TenantHandle;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code parley import FILE --tenant ID --list NAME}: the API's import, run in this process over the file
 * where it lies, with a progress bar on stderr and the final report as JSON on stdout. Works while a
 * server runs on the same data directory (the embedded database is shared through H2's AUTO_SERVER) or
 * database; the import shows up in {@code GET /v1/imports} like any other.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import contacts from a CSV file, with a progress bar and a final report.")
final class ImportCommand implements Callable<Integer> {
    private static final int REPORTED_REJECTS = 20;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "The CSV file (UTF-8, with a header row).")
    Path file;

    @Option(names = "--tenant", required = true, description = "The tenant id (tnt_…).")
    String tenant;

    @Option(names = "--list", required = true, description = "The list to add the contacts to; made when missing.")
    String list;

    @Option(names = "--region", description = "ISO 3166 region for national numbers (default: the tenant's defaultRegion).")
    String region;

    @Option(names = "--mapping", paramLabel = "col=field,...", description = "Column mapping overriding the suggestion, e.g. Mobile=phone,Mail=email.")
    String mapping;

    @Option(names = "--policy", description = "fillBlanks (default) or overwrite: how a row updates an existing contact.")
    String policy;

    @Option(names = "--unmapped-as-attributes", description = "Keep unmapped columns as attributes.")
    boolean unmappedAsAttributes;

    @Option(names = "--consent", paramLabel = "sms=optedIn,...", description = "Consent to give imported contacts (never lifts an opt-out).")
    String consent;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new Failure.Invalid("FILE", "missing", "cannot read " + file);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("listName", list);
        CommonOptions.put(fields, "region", region);
        CommonOptions.put(fields, "mapping", mapping);
        CommonOptions.put(fields, "policy", policy);
        CommonOptions.put(fields, "consent", consent);
        fields.put("unmappedAsAttributes", Boolean.toString(unmappedAsAttributes));
        Imports.Options options = ImportRoutes.options(fields);
        Config config = common.resolve(Map.of());
        try (Parley parley = Parley.open(config)) {
            try {
                parley.tenants().get(tenant);
            } catch (Failure.NotFound e) {
                throw new Failure.Invalid("--tenant", "notFound", "no tenant " + tenant + " (see 'parley tenant create')");
            }
            Imports imports = parley.imports();
            ImportJob job = imports.accept(tenant, file, file.getFileName().toString(), options, null, true);
            ProgressBar bar = new ProgressBar(System.err);
            ImportJob done = imports.runHere(tenant, job, file, bar::show);
            bar.finish(done);
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("import", done);
            report.put("firstRejects", firstRejects(parley, done));
            System.out.println(Json.write(report));
            return done.status().equals("completed") ? 0 : 1;
        }
    }

    private static List<String> firstRejects(Parley parley, ImportJob job) throws Exception {
        StringWriter out = new StringWriter();
        String tenantId = tenantOf(parley, job);
        parley.database().jdbi().useTransaction(h -> parley.imports().writeRejects(new TenantHandle(h, tenantId), job.id(), out));
        return out.toString().lines().skip(1).limit(REPORTED_REJECTS).toList();
    }

    private static String tenantOf(Parley parley, ImportJob job) {
        return parley.database().jdbi().withHandle(h -> h.createQuery("SELECT tenant_id FROM import_job WHERE id = :id")
                .bind("id", job.id()).mapTo(String.class).one());
    }

    /** A one-line bar redrawn in place: percentage of the estimate, rows, rejects, rate. */
    static final class ProgressBar {
        private final java.io.PrintStream out;
        private final long started = System.nanoTime();

        ProgressBar(java.io.PrintStream out) {
            this.out = out;
        }

        void show(ImportJob j) {
            long total = Math.max(j.rowsTotalEstimate(), j.processed());
            double share = total == 0 ? 1 : (double) j.processed() / total;
            int filled = (int) Math.round(share * 30);
            double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
            out.printf("\r[%s%s] %3d%% %,d/%,d rows · %,d rejected · %,.0f rows/s ",
                    "#".repeat(filled), ".".repeat(30 - filled), Math.round(share * 100), j.processed(), total, j.rejected(),
                    j.processed() / seconds);
            out.flush();
        }

        void finish(ImportJob j) {
            show(j);
            out.printf("%n%s: %,d imported, %,d updated, %,d unchanged, %,d rejected%s%n", j.status(), j.imported(), j.updated(),
                    j.unchanged(), j.rejected(), j.error() == null ? "" : " (" + j.error() + ")");
        }
    }
}

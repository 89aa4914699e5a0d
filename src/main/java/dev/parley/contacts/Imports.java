package dev.parley.contacts;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.db.Dialect;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import dev.parley.tenancy.Expiry;
import dev.parley.tenancy.TenantSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CSV imports: preview, accept (the file is checked — encoding, header, mapping — before the 202, so a
 * file that cannot be imported at all is a 400 and no job), run in the background on this node's import
 * thread (imports of a node run one at a time, in order), progress, cancel, rejects. The uploaded file
 * lives in {@code PARLEY_DATA_DIR/imports/} only while its import is queued or running, then is deleted:
 * what remains is the job's counts and its rejected rows.
 */
public final class Imports {
    private static final Logger log = LoggerFactory.getLogger(Imports.class);
    static final int PREVIEW_ROWS = 20;
    /** A queued or running import whose heartbeat is older than this died with its node. */
    static final Duration ABANDONED = Duration.ofMinutes(10);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Lists lists;
    private final TenantSettings settings;
    private final Path dir;
    private final ImportStore store = new ImportStore();
    private final ImportRun runner;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "parley-imports");
        t.setDaemon(true);
        return t;
    });

    public Imports(Jdbi jdbi, Dialect dialect, Clock clock, Lists lists, TenantSettings settings, Path dataDir) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.lists = lists;
        this.settings = settings;
        this.dir = dataDir.resolve("imports");
        this.runner = new ImportRun(jdbi, dialect, new ContactMerge(dialect, clock), store, clock);
    }

    /** How to import: {@code listId} or {@code listName} (made when missing) or neither; {@code region} null takes the tenant's. */
    public record Options(String listId, String listName, String region, Character delimiter, Map<String, String> mapping,
                         String policy, boolean unmappedAsAttributes, Map<String, String> consent) {}

    public Path uploadDir() {
        return dir.resolve("uploads");
    }

    /** The first rows as they would be imported, and what is wrong; reading problems of the file itself are a 400. */
    public Map<String, Object> preview(String tenantId, Path file, Options o) {
        CsvFile csv = CsvFile.inspect(file, o.delimiter());
        String region = region(tenantId, o.region());
        List<String> problems = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("encoding", csv.encoding());
        out.put("delimiter", String.valueOf(csv.delimiter()));
        out.put("region", region);
        out.put("rowsTotalEstimate", csv.rowsEstimate());
        try (Reader reader = csv.open()) {
            CsvParser parser = csv.parser(reader);
            List<String> headers = headers(parser.next());
            out.put("headers", headers);
            out.put("suggestedMapping", ColumnMapping.suggest(headers));
            ColumnMapping mapping = null;
            try {
                mapping = ColumnMapping.resolve(headers, o.mapping(), o.unmappedAsAttributes());
                out.put("mapping", mapping.asMap());
            } catch (Failure.Invalid e) {
                e.errors().forEach(err -> problems.add(err.message()));
                out.put("mapping", null);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            if (mapping != null) {
                RowReader reader2 = new RowReader(mapping, region);
                CsvParser.Record r;
                while (rows.size() < PREVIEW_ROWS && (r = parser.next()) != null) {
                    rows.add(previewRow(reader2.read(r)));
                }
                long bad = rows.stream().filter(m -> m.get("problem") != null).count();
                if (rows.isEmpty()) {
                    problems.add("the file has a header but no data rows");
                } else if (bad > 0) {
                    problems.add(bad + " of the first " + rows.size() + " rows would be rejected");
                }
            }
            out.put("rows", rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (region == null) {
            problems.add("no region is set (neither given nor the tenant's defaultRegion): only numbers written with +country code are accepted");
        }
        if (csv.encoding().equals("windows-1252")) {
            problems.add("the file is not UTF-8; it is read as Windows-1252 (check accented letters in the preview)");
        }
        out.put("problems", problems);
        return out;
    }

    /**
     * Checks the file and options, records a queued job and takes the file into the imports folder.
     * {@code file} is moved (the caller no longer owns it) unless {@code keepFile}, as for the CLI, which
     * imports a file of the user's in place.
     */
    public ImportJob accept(String tenantId, Path file, String fileName, Options o, String actorId, boolean keepFile) {
        CsvFile csv = CsvFile.inspect(file, o.delimiter());
        String region = region(tenantId, o.region());
        List<String> headers;
        try (Reader reader = csv.open()) {
            headers = headers(csv.parser(reader).next());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ColumnMapping mapping = ColumnMapping.resolve(headers, o.mapping(), o.unmappedAsAttributes());
        String id = Ids.next("imp", clock);
        ImportJob job = jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, tenantId);
            String listId = o.listId();
            if (listId != null) {
                lists.get(th, listId);
            } else if (o.listName() != null) {
                listId = lists.ensure(th, o.listName());
            }
            ImportJob j = new ImportJob(id, "queued", fileName, csv.bytes(), listId, region, csv.encoding(),
                    String.valueOf(csv.delimiter()), headers, mapping.asMap(), o.policy() == null ? "fillBlanks" : o.policy(),
                    o.unmappedAsAttributes(), o.consent() == null ? Map.of() : o.consent(), csv.rowsEstimate(), 0, 0, 0, 0, 0,
                    null, clock.instant(), null, null);
            store.insert(th, j, actorId);
            return j;
        });
        if (keepFile) {
            return job;
        }
        try {
            Files.createDirectories(dir);
            Files.move(file, stored(id), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return job;
    }

    /** Runs an accepted job on this node's import thread. */
    public void startInBackground(String tenantId, ImportJob job) {
        thread.submit(() -> {
            Path file = stored(job.id());
            try {
                runner.run(tenantId, job, CsvFile.inspect(file, job.delimiter().charAt(0)), j -> { });
            } catch (RuntimeException e) {
                log.error("Import {} failed to start", job.id(), e);
                jdbi.useTransaction(h -> store.finish(new TenantHandle(h, tenantId), job.id(), "failed",
                        "the import could not start: " + e.getMessage(), clock.instant()));
            } finally {
                deleteQuietly(file);
            }
        });
    }

    /** Runs an accepted job in the calling thread over {@code file} (the CLI); {@code progress} hears every chunk. */
    public ImportJob runHere(String tenantId, ImportJob job, Path file, Consumer<ImportJob> progress) {
        return runner.run(tenantId, job, CsvFile.inspect(file, job.delimiter().charAt(0)), progress);
    }

    public ImportJob get(TenantHandle th, String id) {
        return store.get(th, id).orElseThrow(() -> new Failure.NotFound("import"));
    }

    public List<ImportJob> list(TenantHandle th, Pages.Request page) {
        return store.list(th, page);
    }

    /** Cancels a queued import at once, a running one after its chunk in flight; a finished one is a 409. */
    public ImportJob cancel(TenantHandle th, String id) {
        ImportJob job = get(th, id);
        if (job.finished() || store.cancel(th, id, clock.instant()) == 0) {
            throw new Failure.Conflict("the import is already " + get(th, id).status(), get(th, id).status());
        }
        return get(th, id);
    }

    /** Writes the rejected rows as CSV: {@code line,reason,} then the row's own columns. */
    public void writeRejects(TenantHandle th, String id, Appendable out) throws IOException {
        ImportJob job = get(th, id);
        StringBuilder header = new StringBuilder("line,reason");
        for (String h : job.headers()) {
            CsvText.field(header.append(','), h);
        }
        out.append(header).append("\r\n");
        var rows = th.query("SELECT line, reason, record FROM import_reject WHERE tenant_id = :tenant AND import_id = :id ORDER BY line")
                .bind("id", id).setFetchSize(1_000)
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        try (var it = rows.iterator()) {
            while (it.hasNext()) {
                String[] r = it.next();
                StringBuilder line = new StringBuilder(r[0]).append(',');
                CsvText.field(line, r[1]);
                line.append(',').append(r[2] == null ? "" : r[2]).append("\r\n");
                out.append(line);
            }
        }
    }

    boolean anyActive(TenantHandle th) {
        return store.anyActive(th);
    }

    /** Retention: imports finished more than {@code importsDays} ago go, with their rejects; abandoned ones are failed. */
    public Expiry expiry() {
        return (th, retention, now) -> {
            int n = th.update("""
                    UPDATE import_job SET status = 'failed', finished_at = :now,
                           error = 'the node running this import stopped; re-run the file (it creates no duplicates)'
                    WHERE tenant_id = :tenant AND status IN ('queued', 'running') AND heartbeat_at < :cutoff""")
                    .bind("now", now).bind("cutoff", now.minus(ABANDONED)).execute();
            if (retention.importsDays() != null) {
                Instant cutoff = now.minus(Duration.ofDays(retention.importsDays()));
                n += th.update("""
                        DELETE FROM import_reject WHERE tenant_id = :tenant AND import_id IN
                            (SELECT id FROM import_job WHERE tenant_id = :tenant AND finished_at < :cutoff)""")
                        .bind("cutoff", cutoff).execute();
                n += th.update("DELETE FROM import_job WHERE tenant_id = :tenant AND finished_at < :cutoff").bind("cutoff", cutoff).execute();
            }
            return n;
        };
    }

    public void close() {
        thread.shutdownNow();
    }

    private String region(String tenantId, String given) {
        if (given != null) {
            return given;
        }
        return jdbi.withHandle(h -> settings.get(new TenantHandle(h, tenantId)).defaultRegion());
    }

    private static List<String> headers(CsvParser.Record header) {
        if (header == null) {
            throw new Failure.Invalid("file", "header", "the file has no header row");
        }
        if (header.problem() != null) {
            throw new Failure.Invalid("file", "header", "the header row cannot be used: " + header.problem());
        }
        return ColumnMapping.cleanHeaders(header.fields());
    }

    private static Map<String, Object> previewRow(RowReader.Row row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", row.line());
        ContactInput in = row.input();
        m.put("phone", in == null ? null : in.phone());
        m.put("email", in == null ? null : in.email());
        m.put("firstName", in == null ? null : in.firstName());
        m.put("lastName", in == null ? null : in.lastName());
        m.put("timezone", in == null ? null : in.timezone());
        m.put("locale", in == null ? null : in.locale());
        m.put("attributes", in == null ? Map.of() : in.attributes());
        m.put("problem", row.problem());
        return m;
    }

    private Path stored(String id) {
        return dir.resolve(id + ".csv");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete the stored import file {}", file, e);
        }
    }
}

package dev.parley.contacts;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.db.BulkInsert;
import dev.parley.db.Dialect;
import dev.parley.db.TenantHandle;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code POST /v1/suppressions/import}: a CSV with a header naming an {@code address} column (with a
 * {@code channel} column or a default channel), or {@code phone}/{@code email}-like columns, and an
 * optional {@code reason}. Read as a stream and written in chunks of {@link #CHUNK}, each one
 * transaction; addresses already suppressed are counted, not duplicated.
 */
final class SuppressionImport {
    static final int CHUNK = 1_000;
    static final int MAX_REPORTED = 100;

    record Report(long processed, long added, long alreadySuppressed, long rejected, List<Map<String, Object>> rejects) {}

    private record Entry(String channel, String address) {}

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Clock clock;

    SuppressionImport(Jdbi jdbi, Dialect dialect, Clock clock) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.clock = clock;
    }

    Report run(String tenantId, Path file, String defaultChannel, String region, String reason) {
        CsvFile csv = CsvFile.inspect(file, null);
        long processed = 0;
        long added = 0;
        long already = 0;
        long rejected = 0;
        List<Map<String, Object>> rejects = new ArrayList<>();
        try (Reader reader = csv.open()) {
            CsvParser parser = csv.parser(reader);
            CsvParser.Record header = parser.next();
            if (header == null || header.problem() != null) {
                throw new Failure.Invalid("file", "header", header == null ? "the file has no header row" : header.problem());
            }
            List<String> names = ColumnMapping.cleanHeaders(header.fields());
            int address = -1;
            int channel = -1;
            int phone = -1;
            int email = -1;
            int reasonColumn = -1;
            Map<String, String> suggested = ColumnMapping.suggest(names);
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i).toLowerCase(Locale.ROOT);
                if (n.equals("address")) {
                    address = i;
                } else if (n.equals("channel")) {
                    channel = i;
                } else if (n.equals("reason")) {
                    reasonColumn = i;
                } else if ("phone".equals(suggested.get(names.get(i)))) {
                    phone = i;
                } else if ("email".equals(suggested.get(names.get(i)))) {
                    email = i;
                }
            }
            if (address < 0 && phone < 0 && email < 0) {
                throw new Failure.Invalid("file", "header", "the header needs an 'address' column (with 'channel'), or a phone or email column");
            }
            if (address >= 0 && channel < 0 && defaultChannel == null) {
                throw new Failure.Invalid("channel", "required", "the file has no 'channel' column; pass channel=sms or channel=email");
            }
            List<Entry> chunk = new ArrayList<>(CHUNK);
            List<String> reasons = new ArrayList<>(CHUNK);
            CsvParser.Record r;
            while ((r = parser.next()) != null) {
                processed++;
                String problem = r.problem();
                List<Entry> entries = new ArrayList<>(2);
                if (problem == null) {
                    if (address >= 0) {
                        String ch = channel >= 0 ? cell(r, channel).toLowerCase(Locale.ROOT) : defaultChannel;
                        if (!Consents.CHANNELS.contains(ch)) {
                            problem = "channel must be sms or email";
                        } else {
                            problem = add(entries, ch, cell(r, address), region);
                        }
                    }
                    if (problem == null && phone >= 0 && !cell(r, phone).isBlank()) {
                        problem = add(entries, "sms", cell(r, phone), region);
                    }
                    if (problem == null && email >= 0 && !cell(r, email).isBlank()) {
                        problem = add(entries, "email", cell(r, email), region);
                    }
                    if (problem == null && entries.isEmpty()) {
                        problem = "the row has no address";
                    }
                }
                if (problem != null) {
                    rejected++;
                    if (rejects.size() < MAX_REPORTED) {
                        rejects.add(Map.of("line", r.line(), "reason", problem));
                    }
                    continue;
                }
                String rowReason = reasonColumn >= 0 && !cell(r, reasonColumn).isBlank() ? cell(r, reasonColumn).strip() : reason;
                for (Entry e : entries) {
                    chunk.add(e);
                    reasons.add(rowReason == null ? null : rowReason.length() > 500 ? rowReason.substring(0, 500) : rowReason);
                }
                if (chunk.size() >= CHUNK) {
                    long n = write(tenantId, chunk, reasons);
                    added += n;
                    already += chunk.size() - n;
                    chunk.clear();
                    reasons.clear();
                }
            }
            long n = write(tenantId, chunk, reasons);
            added += n;
            already += chunk.size() - n;
        } catch (IOException e) {
            throw new IllegalStateException("reading the suppression file failed", e);
        }
        return new Report(processed, added, already, rejected, rejects);
    }

    private static String add(List<Entry> entries, String channel, String raw, String region) {
        Checked c = Suppressions.normalise(channel, raw, region);
        if (!c.isOk()) {
            return c.problem();
        }
        entries.add(new Entry(channel, c.value()));
        return null;
    }

    private static String cell(CsvParser.Record r, int i) {
        return i < r.fields().length ? r.fields()[i] : "";
    }

    /** Inserts the chunk's addresses not yet suppressed; returns how many were new. */
    private long write(String tenantId, List<Entry> chunk, List<String> reasons) {
        if (chunk.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, tenantId);
            Map<String, Integer> byHash = new LinkedHashMap<>();
            for (int i = 0; i < chunk.size(); i++) {
                byHash.putIfAbsent(Suppressions.hash(chunk.get(i).channel(), chunk.get(i).address()), i);
            }
            Set<String> existing = new HashSet<>(th.query(
                            "SELECT address_hash FROM suppression WHERE tenant_id = :tenant AND address_hash IN (<hashes>)")
                    .bindList("hashes", List.copyOf(byHash.keySet())).mapTo(String.class).list());
            BulkInsert insert = dialect.bulkInsert(h, "suppression",
                    List.of("id", "tenant_id", "channel", "address", "address_hash", "reason", "source", "created_at"));
            Instant now = clock.instant();
            long added = 0;
            for (Map.Entry<String, Integer> e : byHash.entrySet()) {
                if (!existing.contains(e.getKey())) {
                    Entry entry = chunk.get(e.getValue());
                    insert.add(Ids.next("sup", clock), tenantId, entry.channel(), entry.address(), e.getKey(),
                            reasons.get(e.getValue()), "import", now);
                    added++;
                }
            }
            insert.flush();
            return added;
        });
    }
}

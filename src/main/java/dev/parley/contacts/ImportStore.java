package dev.parley.contacts;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.core.Json;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for {@code import_job} and {@code import_reject}. */
final class ImportStore {
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

    void insert(TenantHandle th, ImportJob j, String createdBy) {
        th.update("""
                INSERT INTO import_job (id, tenant_id, status, file_name, file_bytes, list_id, region, encoding, delimiter,
                                        headers_json, mapping_json, policy, unmapped_as_attributes, consent_json,
                                        rows_total_estimate, created_by, created_at, heartbeat_at)
                VALUES (:id, :tenant, 'queued', :fileName, :bytes, :listId, :region, :encoding, :delimiter, :headers, :mapping,
                        :policy, :unmapped, :consent, :estimate, :createdBy, :now, :now)""")
                .bind("id", j.id()).bind("fileName", j.fileName()).bind("bytes", j.fileBytes()).bind("listId", j.listId())
                .bind("region", j.region()).bind("encoding", j.encoding()).bind("delimiter", j.delimiter())
                .bind("headers", Json.write(j.headers())).bind("mapping", Json.write(j.mapping())).bind("policy", j.policy())
                .bind("unmapped", j.unmappedAsAttributes()).bind("consent", Json.write(j.consent()))
                .bind("estimate", j.rowsTotalEstimate()).bind("createdBy", createdBy).bind("now", j.createdAt()).execute();
    }

    Optional<ImportJob> get(TenantHandle th, String id) {
        return th.query(SELECT + " WHERE tenant_id = :tenant AND id = :id").bind("id", id).map((rs, c) -> map(rs)).findOne();
    }

    List<ImportJob> list(TenantHandle th, Pages.Request page) {
        return th.query(SELECT + " WHERE tenant_id = :tenant AND (CAST(:before AS VARCHAR) IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
                .bind("before", page.before()).bind("limit", page.limit() + 1).map((rs, c) -> map(rs)).list();
    }

    /** queued → running; false when the import is no longer queued (canceled meanwhile). */
    boolean start(TenantHandle th, String id, Instant now) {
        return th.update("""
                UPDATE import_job SET status = 'running', started_at = :now, heartbeat_at = :now
                WHERE tenant_id = :tenant AND id = :id AND status = 'queued'""").bind("id", id).bind("now", now).execute() == 1;
    }

    /** Adds a committed chunk's counts, in the chunk's transaction; returns whether a cancel was asked for. */
    boolean progress(TenantHandle th, String id, ContactMerge.Counts c, long estimate, Instant now) {
        th.update("""
                UPDATE import_job SET processed = processed + :n, imported = imported + :imported, updated = updated + :updated,
                       unchanged = unchanged + :unchanged, rejected = rejected + :rejected, heartbeat_at = :now,
                       rows_total_estimate = CASE WHEN :estimate > processed + :n THEN :estimate ELSE processed + :n END
                WHERE tenant_id = :tenant AND id = :id""")
                .bind("n", c.imported() + c.updated() + c.unchanged() + c.rejected()).bind("imported", c.imported())
                .bind("updated", c.updated()).bind("unchanged", c.unchanged()).bind("rejected", c.rejected())
                .bind("estimate", estimate).bind("now", now).bind("id", id).execute();
        return cancelRequested(th, id);
    }

    boolean cancelRequested(TenantHandle th, String id) {
        return th.query("SELECT cancel_requested FROM import_job WHERE tenant_id = :tenant AND id = :id").bind("id", id)
                .mapTo(Boolean.class).findOne().orElse(true);
    }

    /** running|queued → a final status. */
    void finish(TenantHandle th, String id, String status, String error, Instant now) {
        th.update("""
                UPDATE import_job SET status = :status, error = :error, finished_at = :now, heartbeat_at = :now,
                       rows_total_estimate = CASE WHEN :status = 'completed' THEN processed ELSE rows_total_estimate END
                WHERE tenant_id = :tenant AND id = :id AND status IN ('queued', 'running')""")
                .bind("status", status).bind("error", error).bind("now", now).bind("id", id).execute();
    }

    /** Asks a queued or running import to stop; a queued one stops at once. Returns the rows changed. */
    int cancel(TenantHandle th, String id, Instant now) {
        int n = th.update("""
                UPDATE import_job SET status = 'canceled', cancel_requested = TRUE, finished_at = :now
                WHERE tenant_id = :tenant AND id = :id AND status = 'queued'""").bind("id", id).bind("now", now).execute();
        return n + th.update("UPDATE import_job SET cancel_requested = TRUE WHERE tenant_id = :tenant AND id = :id AND status = 'running'")
                .bind("id", id).execute();
    }

    boolean anyActive(TenantHandle th) {
        return th.query("SELECT COUNT(*) FROM import_job WHERE tenant_id = :tenant AND status IN ('queued', 'running')")
                .mapTo(Long.class).one() > 0;
    }

    private static final String SELECT = """
            SELECT id, status, file_name, file_bytes, list_id, region, encoding, delimiter, headers_json, mapping_json, policy,
                   unmapped_as_attributes, consent_json, rows_total_estimate, processed, imported, updated, unchanged, rejected,
                   error, created_at, started_at, finished_at
            FROM import_job""";

    private static ImportJob map(ResultSet rs) throws SQLException {
        return new ImportJob(rs.getString("id"), rs.getString("status"), rs.getString("file_name"), rs.getLong("file_bytes"),
                rs.getString("list_id"), rs.getString("region"), rs.getString("encoding"), rs.getString("delimiter"),
                read(rs.getString("headers_json"), LIST), read(rs.getString("mapping_json"), MAP), rs.getString("policy"),
                rs.getBoolean("unmapped_as_attributes"), read(rs.getString("consent_json"), MAP), rs.getLong("rows_total_estimate"),
                rs.getLong("processed"), rs.getLong("imported"), rs.getLong("updated"), rs.getLong("unchanged"),
                rs.getLong("rejected"), rs.getString("error"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("finished_at")));
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (Exception e) {
            throw new IllegalStateException("stored import JSON is unreadable", e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

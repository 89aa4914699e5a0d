package dev.parley.templates;

import dev.parley.core.Failure;
import dev.parley.db.SqlStates;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code template} table. A duplicate name within a tenant is a {@link Failure.Conflict}. */
final class TemplateStore {
    private static final String COLUMNS = "id, name, channel, subject, body_text, body_html, created_at, updated_at";

    void insert(TenantHandle th, MessageTemplate t) {
        try {
            th.update("""
                    INSERT INTO template (id, tenant_id, name, channel, subject, body_text, body_html, created_at, updated_at)
                    VALUES (:id, :tenant, :name, :channel, :subject, :text, :html, :created, :updated)""")
                    .bind("id", t.id()).bind("name", t.name()).bind("channel", t.channel()).bind("subject", t.subject())
                    .bind("text", t.text()).bind("html", t.html()).bind("created", t.createdAt()).bind("updated", t.updatedAt())
                    .execute();
        } catch (RuntimeException e) {
            throw unlessDuplicate(e, t.name());
        }
    }

    void update(TenantHandle th, MessageTemplate t) {
        try {
            int n = th.update("""
                    UPDATE template SET name = :name, subject = :subject, body_text = :text, body_html = :html, updated_at = :updated
                    WHERE tenant_id = :tenant AND id = :id""")
                    .bind("id", t.id()).bind("name", t.name()).bind("subject", t.subject()).bind("text", t.text())
                    .bind("html", t.html()).bind("updated", t.updatedAt()).execute();
            if (n == 0) {
                throw new Failure.NotFound("template");
            }
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw unlessDuplicate(e, t.name());
        }
    }

    Optional<MessageTemplate> get(TenantHandle th, String id) {
        return th.query("SELECT " + COLUMNS + " FROM template WHERE tenant_id = :tenant AND id = :id").bind("id", id)
                .map((rs, ctx) -> map(rs)).findOne();
    }

    boolean nameTaken(TenantHandle th, String name, String exceptId) {
        return th.query("SELECT COUNT(*) FROM template WHERE tenant_id = :tenant AND name = :name AND id <> :except")
                .bind("name", name).bind("except", exceptId == null ? "" : exceptId).mapTo(Integer.class).one() > 0;
    }

    /** Newest first, {@code limit + 1} rows so the caller can tell whether another page follows. */
    List<MessageTemplate> list(TenantHandle th, Pages.Request page) {
        return th.query("SELECT " + COLUMNS + " FROM template WHERE tenant_id = :tenant"
                        + " AND (CAST(:before AS VARCHAR) IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
                .bind("before", page.before()).bind("limit", page.limit() + 1).map((rs, ctx) -> map(rs)).list();
    }

    int delete(TenantHandle th, String id) {
        return th.update("DELETE FROM template WHERE tenant_id = :tenant AND id = :id").bind("id", id).execute();
    }

    private static MessageTemplate map(ResultSet rs) throws SQLException {
        return new MessageTemplate(rs.getString("id"), rs.getString("name"), rs.getString("channel"), rs.getString("subject"),
                rs.getString("body_text"), rs.getString("body_html"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getTimestamp(column).toInstant();
    }

    private static RuntimeException unlessDuplicate(RuntimeException e, String name) {
        return SqlStates.causedBy(e, SqlStates.UNIQUE_VIOLATION)
                ? new Failure.Conflict("a template named '" + name + "' already exists")
                : e;
    }
}

package dev.parley.contacts;

import dev.parley.core.Failure;
import dev.parley.db.TenantHandle;
import dev.parley.tenancy.AuditLog;
import dev.parley.tenancy.PersonalData;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * GDPR access and erasure over every registered {@link PersonalData} part. Export gathers each part's
 * section; erasure runs every part in one transaction (the contact row itself last, so parts can still
 * find rows by contact id) and records only counts in the audit log. Erasure is refused (409) while an
 * import of the tenant is queued or running, since its file might hold the person and re-create them.
 */
public final class Gdpr {
    private final Jdbi jdbi;
    private final Clock clock;
    private final AuditLog audit;
    private final Imports imports;
    private final List<PersonalData> parts;

    /** @param parts every place personal data lives; the contact part must come last */
    public Gdpr(Jdbi jdbi, Clock clock, AuditLog audit, Imports imports, List<PersonalData> parts) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.audit = audit;
        this.imports = imports;
        this.parts = List.copyOf(parts);
    }

    public Map<String, Object> export(String tenantId, String contactId, AuditLog.Actor actor) {
        return jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, tenantId);
            PersonalData.Subject subject = subject(th, contactId);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("exportedAt", clock.instant());
            out.put("contactId", contactId);
            for (PersonalData part : parts) {
                out.put(part.section(), part.export(th, subject));
            }
            audit.record(h, tenantId, actor, "contact.exported", "contact", contactId, Map.of("sections", new ArrayList<>(out.keySet())));
            return out;
        });
    }

    public Map<String, Object> erase(String tenantId, String contactId, AuditLog.Actor actor) {
        return jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, tenantId);
            PersonalData.Subject subject = subject(th, contactId);
            if (imports.anyActive(th)) {
                throw new Failure.Conflict("an import is queued or running; erase once it has finished, so it cannot re-create the person",
                        "importRunning");
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (PersonalData part : parts) {
                counts.put(part.section(), part.erase(th, subject));
            }
            audit.record(h, tenantId, actor, "contact.erased", "contact", contactId, Map.of("rowsTouched", counts));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("contactId", contactId);
            out.put("erased", true);
            out.put("rowsTouched", counts);
            return out;
        });
    }

    private static PersonalData.Subject subject(TenantHandle th, String contactId) {
        return th.query("SELECT phone, email FROM contact WHERE tenant_id = :tenant AND id = :id").bind("id", contactId)
                .map((rs, c) -> new PersonalData.Subject(contactId, rs.getString("phone"), rs.getString("email")))
                .findOne().orElseThrow(() -> new Failure.NotFound("contact"));
    }
}

package dev.parley.tenancy;

import dev.parley.db.TenantHandle;

/**
 * One place where Parley keeps personal data about a contact (the contact row, its consent history,
 * suppressions, import rejects, audit details; later message and inbound rows). GDPR export asks every
 * registered part for its section; erasure asks every part to scrub, in one transaction, leaving
 * anonymous counts intact. Parts are registered in {@code app.Parley}; a new table holding addresses or
 * message text must register one, or erasure would miss it.
 */
public interface PersonalData {
    /** Who is being exported or erased: the contact and the addresses it holds (normalised; either may be null). */
    record Subject(String contactId, String phone, String email) {}

    /** The key of this part's section in the export document ({@code "messages"}). */
    String section();

    /** Everything this part holds on the subject, as a JSON-ready value (a list or a map). */
    Object export(TenantHandle th, Subject subject);

    /** Deletes or anonymises what this part holds on the subject; returns the rows touched. */
    int erase(TenantHandle th, Subject subject);
}

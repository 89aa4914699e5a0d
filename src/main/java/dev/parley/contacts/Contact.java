package dev.parley.contacts;

import dev.parley.tenancy.Masking;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A person a tenant may reach, as the API shows it. {@code phone} is E.164, {@code email} lowercased;
 * at least one is set. {@code consent} has one entry per channel ({@code sms}, {@code email}).
 */
public record Contact(String id, String phone, String email, String firstName, String lastName, String timezone,
                      String locale, Map<String, Object> attributes, List<String> listIds,
                      Map<String, ConsentState> consent, Instant createdAt, Instant updatedAt) {

    /** The current consent of one channel: {@code optedIn}, {@code unknown} or {@code optedOut}, with where and when it was given. */
    public record ConsentState(String status, String source, Instant at) {}

    /** This contact as an agent sees it: phone and email masked (SPEC §2). */
    public Contact masked() {
        return new Contact(id, Masking.phone(phone), Masking.email(email), firstName, lastName, timezone, locale,
                attributes, listIds, consent, createdAt, updatedAt);
    }

    Contact withListIds(List<String> ids) {
        return new Contact(id, phone, email, firstName, lastName, timezone, locale, attributes, List.copyOf(ids), consent,
                createdAt, updatedAt);
    }
}

package dev.parley.contacts;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.db.SqlStates;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creating, changing and finding contacts one at a time (imports are {@link ContactMerge}). Phone and
 * email are normalised on the way in; a phone or email that already belongs to another contact of the
 * tenant is a 409 naming that contact, so the caller can update it instead of making a twin.
 */
public final class Contacts {
    private final Clock clock;
    private final ContactStore store = new ContactStore();
    private final Consents consents;

    public Contacts(Clock clock, Consents consents) {
        this.clock = clock;
        this.consents = consents;
    }

    /** The fields of a create or patch, as sent; {@code consent} maps channel to status. */
    public record Fields(String phone, String email, String firstName, String lastName, String timezone, String locale,
                         Map<String, Object> attributes, Map<String, String> consent) {}

    public Contact create(TenantHandle th, Fields f, String region, String actorId) {
        ContactInput in = normalise(f.phone(), f.email(), f.firstName(), f.lastName(), f.timezone(), f.locale(), f.attributes(), region);
        if (in.phone() == null && in.email() == null) {
            throw new Failure.Invalid("phone", "required", "a contact needs a phone or an email");
        }
        checkFree(th, null, in);
        String id = Ids.next("ctc", clock);
        try {
            store.insert(th, id, in, clock.instant());
        } catch (RuntimeException e) {
            throw unlessDuplicate(e);
        }
        if (f.consent() != null) {
            f.consent().forEach((channel, status) -> consents.record(th, id, channel, status, "api", actorId));
        }
        return get(th, id);
    }

    public Contact get(TenantHandle th, String id) {
        return store.get(th, id).orElseThrow(() -> new Failure.NotFound("contact"));
    }

    /** Applies the non-null fields; an empty string clears a field (phone and email cannot both be cleared). */
    public Contact patch(TenantHandle th, String id, Fields f, String region) {
        Contact current = get(th, id);
        Map<String, Object> attrs = current.attributes();
        if (f.attributes() != null) {
            attrs = new LinkedHashMap<>(current.attributes());
            for (Map.Entry<String, Object> e : f.attributes().entrySet()) {
                if (e.getValue() == null) {
                    attrs.remove(e.getKey());
                } else {
                    attrs.put(e.getKey(), e.getValue());
                }
            }
        }
        ContactInput in = normalise(pick(f.phone(), current.phone()), pick(f.email(), current.email()),
                pick(f.firstName(), current.firstName()), pick(f.lastName(), current.lastName()),
                pick(f.timezone(), current.timezone()), pick(f.locale(), current.locale()), attrs, region);
        if (in.phone() == null && in.email() == null) {
            throw new Failure.Invalid("phone", "required", "a contact needs a phone or an email; both cannot be cleared");
        }
        checkFree(th, id, in);
        try {
            store.update(th, id, in, clock.instant());
        } catch (RuntimeException e) {
            throw unlessDuplicate(e);
        }
        return get(th, id);
    }

    public void delete(TenantHandle th, String id) {
        if (store.delete(th, id) == 0) {
            throw new Failure.NotFound("contact");
        }
    }

    public List<Contact> search(TenantHandle th, ContactStore.Filter filter, Pages.Request page) {
        return store.search(th, filter, page);
    }

    List<Contact> withListIds(TenantHandle th, List<Contact> rows) {
        return store.withListIds(th, rows);
    }

    private void checkFree(TenantHandle th, String self, ContactInput in) {
        if (in.phone() != null) {
            store.idByPhone(th, in.phone()).filter(other -> !other.equals(self)).ifPresent(other -> {
                throw new Failure.Conflict("this phone number already belongs to contact " + other);
            });
        }
        if (in.email() != null) {
            store.idByEmail(th, in.email()).filter(other -> !other.equals(self)).ifPresent(other -> {
                throw new Failure.Conflict("this email address already belongs to contact " + other);
            });
        }
    }

    private static ContactInput normalise(String phone, String email, String first, String last, String tz, String locale,
                                          Map<String, Object> attrs, String region) {
        ContactInput.Result r = ContactInput.normalise(phone, email, first, last, tz, locale, attrs, region);
        if (r.input() == null) {
            throw new Failure.Invalid(r.field(), "invalid", r.problem());
        }
        return r.input();
    }

    private static String pick(String given, String current) {
        return given == null ? current : given;
    }

    /** A unique index caught a twin made by a concurrent writer after {@link #checkFree} looked. */
    static RuntimeException unlessDuplicate(RuntimeException e) {
        return SqlStates.causedBy(e, SqlStates.UNIQUE_VIOLATION)
                ? new Failure.Conflict("this phone number or email address already belongs to another contact")
                : e;
    }

    /** The contact holding this normalised phone ({@code sms}) or email ({@code email}), if any. */
    public Optional<String> idByAddress(TenantHandle th, String channel, String address) {
        return channel.equals("email") ? store.idByEmail(th, address) : store.idByPhone(th, address);
    }
}

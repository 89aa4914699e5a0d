package dev.parley.contacts;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fields of a contact as given by a request or an import row, already normalised: phone in E.164,
 * email lowercased, blanks as null. Built by {@link #normalise}, which either returns a complete,
 * valid input or names the first problem: nothing is ever stored half-valid.
 */
record ContactInput(String phone, String email, String firstName, String lastName, String timezone, String locale,
                    Map<String, Object> attributes) {
    static final int MAX_NAME = 200;
    static final int MAX_ATTRIBUTE_VALUE = 1_000;
    static final int MAX_ATTRIBUTES = 100;
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}");

    /** A normalised input, or the field and reason it could not be. */
    record Result(ContactInput input, String field, String problem) {}

    static Result normalise(String phone, String email, String firstName, String lastName, String timezone, String locale,
                            Map<String, Object> attributes, String region) {
        return normaliseOwned(phone, email, firstName, lastName, timezone, locale,
                attributes == null ? null : new LinkedHashMap<>(attributes), region);
    }

    /**
     * As {@link #normalise}, keeping {@code attributes} itself in the input rather than a copy: for a caller that made
     * the map for this call and never touches it again (an import's row, where the copy was a tenth of the reading
     * thread's time).
     */
    static Result normaliseOwned(String phone, String email, String firstName, String lastName, String timezone, String locale,
                                 LinkedHashMap<String, Object> attributes, String region) {
        String p = null;
        if (phone != null && !phone.isBlank()) {
            Checked c = PhoneNumbers.toE164(phone, region);
            if (!c.isOk()) {
                return bad("phone", c.problem());
            }
            p = c.value();
        }
        String e = null;
        if (email != null && !email.isBlank()) {
            Checked c = EmailAddresses.normalise(email);
            if (!c.isOk()) {
                return bad("email", c.problem());
            }
            e = c.value();
        }
        String first = blankToNull(firstName);
        String last = blankToNull(lastName);
        if (first != null && first.length() > MAX_NAME) {
            return bad("firstName", "firstName is longer than " + MAX_NAME + " characters");
        }
        if (last != null && last.length() > MAX_NAME) {
            return bad("lastName", "lastName is longer than " + MAX_NAME + " characters");
        }
        String tz = blankToNull(timezone);
        if (tz != null && !ZONES.contains(tz)) {
            return bad("timezone", "timezone '" + tz + "' is not an IANA time zone such as Europe/London");
        }
        String loc = blankToNull(locale);
        if (loc != null && !LOCALE.matcher(loc).matches()) {
            return bad("locale", "locale '" + loc + "' is not a language tag such as en-GB");
        }
        Map<String, Object> attrs = attributes == null ? Map.of() : attributes;
        if (attrs.size() > MAX_ATTRIBUTES) {
            return bad("attributes", "at most " + MAX_ATTRIBUTES + " attributes are allowed");
        }
        for (Map.Entry<String, Object> a : attrs.entrySet()) {
            if (a.getKey().isBlank() || a.getKey().length() > 100) {
                return bad("attributes", "attribute names must be 1 to 100 characters");
            }
            if (a.getValue() instanceof String s && s.length() > MAX_ATTRIBUTE_VALUE) {
                return bad("attributes." + a.getKey(), "attribute '" + a.getKey() + "' is longer than " + MAX_ATTRIBUTE_VALUE + " characters");
            }
        }
        return new Result(new ContactInput(p, e, first, last, tz, loc, attributes == null ? new LinkedHashMap<>() : attributes), null, null);
    }

    private static Result bad(String field, String problem) {
        return new Result(null, field, problem);
    }

    static String blankToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }
}

package dev.parley.contacts;

import dev.parley.core.Failure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which contact field each CSV column fills. Targets: {@code phone}, {@code email}, {@code firstName},
 * {@code lastName}, {@code timezone}, {@code locale}, {@code attributes.NAME} or {@code ignore}.
 * Suggestions come from header names (phone, mobile, msisdn, cell, email, e-mail, first name, surname, …);
 * a given mapping overrides the suggestion column by column; columns left unmapped become attributes
 * named after their header when asked, else are ignored.
 */
record ColumnMapping(List<String> headers, List<String> targets) {
    static final Set<String> FIELDS = Set.of("phone", "email", "firstName", "lastName", "timezone", "locale");
    private static final Map<String, String> SYNONYMS = synonyms();

    private static Map<String, String> synonyms() {
        Map<String, String> m = new HashMap<>();
        for (String s : List.of("phone", "phonenumber", "phoneno", "mobile", "mobilephone", "mobilenumber", "mobileno",
                "msisdn", "cell", "cellphone", "cellular", "tel", "telephone", "telephonenumber", "sms", "whatsapp", "gsm")) {
            m.put(s, "phone");
        }
        for (String s : List.of("email", "emailaddress", "mail", "emailid", "courriel", "correo")) {
            m.put(s, "email");
        }
        for (String s : List.of("firstname", "first", "givenname", "forename", "fname", "name", "fullname", "prenom")) {
            m.put(s, "firstName");
        }
        for (String s : List.of("lastname", "last", "surname", "familyname", "lname", "nom")) {
            m.put(s, "lastName");
        }
        for (String s : List.of("timezone", "tz", "zone", "timezoneid")) {
            m.put(s, "timezone");
        }
        for (String s : List.of("locale", "language", "lang", "languagecode")) {
            m.put(s, "locale");
        }
        return Map.copyOf(m);
    }

    /** Header names as they will be referred to: trimmed; a blank one becomes {@code column N}. */
    static List<String> cleanHeaders(String[] raw) {
        List<String> headers = new ArrayList<>(raw.length);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < raw.length; i++) {
            String h = raw[i].strip();
            if (h.isEmpty()) {
                h = "column " + (i + 1);
            }
            if (h.length() > 200) {
                throw new Failure.Invalid("file", "header", "column " + (i + 1) + "'s name is longer than 200 characters");
            }
            if (!seen.add(h)) {
                throw new Failure.Invalid("file", "header", "the header names column '" + h + "' twice; give each column its own name");
            }
            headers.add(h);
        }
        return headers;
    }

    /** What the header names suggest, one target per column ({@code ignore} when nothing fits). */
    static Map<String, String> suggest(List<String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (String h : headers) {
            String key = h.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
            String target = SYNONYMS.get(key);
            if (target != null && taken.add(target)) {
                out.put(h, target);
            } else {
                out.put(h, "ignore");
            }
        }
        return out;
    }

    /**
     * The effective mapping: the suggestion, overridden by {@code given} column by column. Checks that
     * every named column exists, every target is known, no field is filled twice, and phone or email is
     * mapped.
     */
    static ColumnMapping resolve(List<String> headers, Map<String, String> given, boolean unmappedAsAttributes) {
        Map<String, String> effective = new LinkedHashMap<>(suggest(headers));
        List<Failure.FieldError> errors = new ArrayList<>();
        if (given != null) {
            for (Map.Entry<String, String> e : given.entrySet()) {
                if (!effective.containsKey(e.getKey())) {
                    errors.add(new Failure.FieldError("mapping", "unknownColumn", "the file has no column '" + e.getKey() + "'"));
                } else if (!validTarget(e.getValue())) {
                    errors.add(new Failure.FieldError("mapping", "unknownField", "'" + e.getValue() + "' is not a contact field;"
                            + " use phone, email, firstName, lastName, timezone, locale, attributes.NAME or ignore"));
                } else {
                    effective.put(e.getKey(), e.getValue());
                }
            }
            // A field the client placed elsewhere is no longer filled by the suggested column.
            for (Map.Entry<String, String> e : effective.entrySet()) {
                if (!given.containsKey(e.getKey()) && FIELDS.contains(e.getValue()) && given.containsValue(e.getValue())) {
                    e.setValue("ignore");
                }
            }
        }
        List<String> targets = new ArrayList<>(headers.size());
        Set<String> filled = new HashSet<>();
        for (String h : headers) {
            String t = effective.get(h);
            if (t.equals("ignore") && unmappedAsAttributes && (given == null || !given.containsKey(h))) {
                t = "attributes." + h;
            }
            if (!t.equals("ignore") && !filled.add(t)) {
                errors.add(new Failure.FieldError("mapping", "duplicate", "two columns fill " + t));
            }
            targets.add(t);
        }
        if (!filled.contains("phone") && !filled.contains("email")) {
            errors.add(new Failure.FieldError("mapping", "required",
                    "no column is mapped to phone or email; name one in mapping, e.g. {\"Mobile\":\"phone\"}"));
        }
        if (!errors.isEmpty()) {
            throw new Failure.Invalid(errors.size() == 1 ? errors.getFirst().message() : "the mapping has " + errors.size() + " problems", errors);
        }
        return new ColumnMapping(List.copyOf(headers), List.copyOf(targets));
    }

    /** The mapping as a map from column to target, for answers and storage. */
    Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < headers.size(); i++) {
            m.put(headers.get(i), targets.get(i));
        }
        return m;
    }

    /** Parses {@code col=field,col=field} (the CLI form) or a JSON object. */
    static Map<String, String> parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        String s = spec.strip();
        if (s.startsWith("{")) {
            try {
                Map<String, String> m = dev.parley.core.Json.mapper().readValue(s,
                        new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, String>>() {});
                return m == null ? null : m;
            } catch (Exception e) {
                throw new Failure.Invalid("mapping", "malformed", "mapping must be a JSON object of column to field, or col=field,col=field");
            }
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : s.split(",")) {
            int eq = pair.lastIndexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new Failure.Invalid("mapping", "malformed", "mapping must be col=field,col=field (got '" + pair.strip() + "')");
            }
            m.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return m;
    }

    private static boolean validTarget(String t) {
        return t != null && (FIELDS.contains(t) || t.equals("ignore")
                || (t.startsWith("attributes.") && t.length() > 11 && t.length() <= 111));
    }
}

package dev.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The values {@link BadInputTest} puts into request fields, and the JSON it builds from them. Values are
 * bytes because some are deliberately not JSON. A field's "plausible" value is a guess at what a route
 * would accept under that name; it lets the other fields of a request pass validation so the bad one
 * reaches the code behind it, and its JSON type is the type the field must insist on.
 */
final class BadValues {
    /**
     * Field names a request body may have (SPEC §3), asked of every route that reads a body to learn which
     * it knows. A route whose fields are all missing here is reported, so the list grows with the API.
     */
    static final List<String> CANDIDATE_FIELDS = List.of("email", "name", "role", "password", "disabled",
            "current", "new", "adminEmail", "adminPassword", "status", "defaultRegion", "timezone", "helpText",
            "stopConfirmation", "retention", "messagesDays", "inboundDays", "importsDays", "auditDays",
            "defaultSendWindow", "days", "from", "to", "phone", "firstName", "lastName", "locale", "attributes",
            "listIds", "listId", "listName", "consent", "sms", "channel", "source", "contactId", "contactIds", "region",
            "delimiter", "mapping", "policy", "unmappedAsAttributes", "address", "reason", "subject", "text", "html",
            "data", "type", "config", "ratePerSecond", "enabled", "rules", "prefix", "providerId", "price",
            "currency", "priority", "stickySender", "templateId", "content", "sendAt", "validUntil", "guarantee",
            "tags", "metadata", "startAt", "includeUnknown", "campaignId", "since", "until", "id", "tenantId",
            "key", "createdAt");

    private final AtomicInteger unique = new AtomicInteger();
    private final String takenEmail;

    /** {@code takenEmail}: a user's email the sweep never logs in with, for "already taken" cases. */
    BadValues(String takenEmail) {
        this.takenEmail = takenEmail;
    }

    /** A JSON value as bytes; {@code mustRefuse}: no route may accept it, whatever the field. */
    record Value(String label, byte[] json, boolean mustRefuse) {
        Kind kind() {
            return Kind.ofJson(json);
        }
    }

    /**
     * The JSON type of a value. A field whose plausible value is of one type must refuse a value of another
     * (SPEC §2: no coercion), except null (an optional field left out) and a float without a fraction in an
     * integer field, which JSON cannot tell from an integer. If a route really takes another type under one
     * of the names in {@link #plausible(String)}, give that name a value of the right type there.
     */
    enum Kind {
        STRING, INTEGER, INTEGRAL_FLOAT, FLOAT, BOOLEAN, ARRAY, OBJECT, NULL, BROKEN;

        static Kind of(Object plausible) {
            return switch (plausible) {
                case String s -> STRING;
                case Integer i -> INTEGER;
                case Boolean b -> BOOLEAN;
                case List<?> l -> ARRAY;
                case null, default -> null;
            };
        }

        static Kind ofJson(byte[] json) {
            JsonNode node;
            try {
                node = Json.mapper().readTree(json);
            } catch (Exception e) {
                return BROKEN;
            }
            if (node == null || node.isMissingNode()) {
                return BROKEN;
            }
            if (node.isFloatingPointNumber()) {
                try {
                    return node.decimalValue().stripTrailingZeros().scale() <= 0 ? INTEGRAL_FLOAT : FLOAT;
                } catch (NumberFormatException infinite) {
                    return FLOAT;
                }
            }
            return switch (node.getNodeType()) {
                case STRING -> STRING;
                case NUMBER -> INTEGER;
                case BOOLEAN -> BOOLEAN;
                case ARRAY -> ARRAY;
                case OBJECT -> OBJECT;
                case NULL -> NULL;
                default -> BROKEN;
            };
        }

        /** Whether a field whose values are of kind {@code expected} (null: unknown) must refuse this one. */
        boolean wrongFor(Kind expected) {
            if (expected == null || this == NULL || this == BROKEN || this == expected) {
                return false;
            }
            return !(expected == INTEGER && this == INTEGRAL_FLOAT);
        }
    }

    /** Values for any field: wrong types, odd numbers, hostile and broken strings, deep and huge values. */
    static List<Value> common() {
        return List.of(
                v("12", "12"), v("-1", "-1"), v("0", "0"), v("1.5", "1.5"), v("-0.0", "-0.0"),
                v("2^31", "2147483648"), v("-2^63-1", "-9223372036854775809"), v("1e400", "1e400"),
                v("a 99-digit number", "9".repeat(99)),
                refused("a 100,000-digit number", utf8("9".repeat(100_000))),
                v("true", "true"), v("false", "false"), v("null", "null"),
                v("[]", "[]"), v("[1,\"a\",null]", "[1,\"a\",null]"), v("{}", "{}"),
                v("{\"a\":{\"b\":1}}", "{\"a\":{\"b\":1}}"),
                v("\"yes\"", "\"yes\""), v("\"\"", "\"\""), v("blank", "\"   \""), v("\"null\"", "\"null\""),
                v("\"true\"", "\"true\""), v("\"12\"", "\"12\""),
                v("100,000 characters", q("x".repeat(100_000))),
                v("100,000 two-byte characters", q("é".repeat(100_000))),
                refused("an escaped NUL", utf8("\"a\\u0000b\"")), refused("an escaped NUL alone", utf8("\"\\u0000\"")),
                refused("a lone surrogate", utf8("\"a\\ud800b\"")),
                refused("a reversed surrogate pair", utf8("\"\\udc00\\ud800\"")),
                v("a surrogate pair", "\"\\ud83d\\ude00\""),
                v("control characters", "\"a\\u0001\\u001f\\u007fb\""), v("CRLF", "\"a\\r\\nSet-Cookie: x=1\""),
                refused("a raw NUL byte", concat(utf8("\"a"), new byte[] {0}, utf8("b\""))),
                refused("invalid UTF-8", concat(utf8("\"a"), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF}, utf8("b\""))),
                refused("a truncated UTF-8 sequence", concat(utf8("\"a"), new byte[] {(byte) 0xE2, (byte) 0x82}, utf8("\""))),
                refused("overlong UTF-8", concat(utf8("\"a"), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("b\""))),
                v("SQL injection", q("' OR 1=1 --")), v("SQL injection (drop)", q("\"; DROP TABLE app_user; --")),
                v("SQL injection (union)", q("x' UNION SELECT password_hash FROM app_user --")),
                v("path traversal", q("../../etc/passwd")), v("script", q("<script>alert(1)</script>")),
                v("template injection", q("${jndi:ldap://x/a}{{7*7}}")), v("percent-encoding", q("%00%2e%2e%2f")),
                v("an email that grows when lower-cased", q("a@" + "İ".repeat(310) + ".io")),
                v("text that grows when lower-cased", q("İ".repeat(320))),
                v("emoji", q("😀".repeat(150))), v("a right-to-left override", q("\u202Eevil")),
                v("a zero-width space", q("\u200B")), v("a timestamp out of range", q("2024-13-45T99:99:99Z")),
                v("a negative duration", q("PT-1S")),
                refused("deeply nested arrays", utf8("[".repeat(10_000) + "]".repeat(10_000))),
                v("10,000 strings", "[" + "\"x\",".repeat(9_999) + "\"x\"]"),
                v("10,000 nulls", "[" + "null,".repeat(9_999) + "null]"));
    }

    /**
     * The values sent in every field at once: all but the odd strings that only matter field by field (a
     * string accepted everywhere costs the server a password hash per request on the auth routes).
     */
    static List<Value> forEveryField() {
        Set<String> fieldByField = Set.of("\"yes\"", "\"null\"", "\"true\"", "\"12\"", "100,000 two-byte characters",
                "a surrogate pair", "control characters", "SQL injection (union)", "template injection",
                "percent-encoding", "a right-to-left override", "a zero-width space", "a timestamp out of range",
                "a negative duration");
        return common().stream().filter(v -> !fieldByField.contains(v.label())).toList();
    }

    /** The common values, plus lengths around every likely column limit and huge lists of a good element. */
    List<Value> forField(String field) {
        List<Value> values = new ArrayList<>(common());
        switch (plausible(field)) {
            case String s -> {
                for (int length : new int[] {64, 65, 200, 201, 255, 256, 320, 321, 1000, 1001, 1024, 1025, 4001, 8001}) {
                    String value = s.contains("@")
                            ? "a" + unique.incrementAndGet() + "@" + "b".repeat(Math.max(1, length - 12)) + ".test"
                            : "x".repeat(length);
                    values.add(v(length + " characters", q(value)));
                }
                for (int length : new int[] {201, 1001, 4001}) {
                    values.add(v(length + " quotes", q("\"".repeat(length)))); // twice as long once escaped
                }
                if (s.contains("@")) {
                    values.add(v("an email already taken", q(takenEmail)));
                    values.add(v("an email already taken, upper-cased", q(takenEmail.toUpperCase(Locale.ROOT))));
                    values.add(v("an email already taken, padded", q("  " + takenEmail + " ")));
                }
            }
            case Integer i -> {
                for (String n : List.of("2147483647", "-2147483648", "999999999", "36501", "1.0", "1e2")) {
                    values.add(v(n, n));
                }
            }
            case List<?> list when !list.isEmpty() -> {
                String element = Json.write(list.getFirst());
                values.add(v("a good element 10,000 times", "[" + String.join(",", Collections.nCopies(10_000, element)) + "]"));
                values.add(v("a good element 1,000 times", "[" + String.join(",", Collections.nCopies(1_000, element)) + "]"));
            }
            case null, default -> { }
        }
        return values;
    }

    /** A value a route would likely accept for a field of this name, or null when there is no safe guess. */
    Object plausible(String field) {
        return switch (field) {
            case "email", "adminEmail" -> "fuzz-" + unique.incrementAndGet() + "@fuzz.test";
            case "name", "listName", "firstName", "lastName" -> "Fuzz";
            case "role" -> "agent";
            case "password", "adminPassword", "new" -> "fuzz-password-123";
            case "current" -> "not-the-current-password";
            case "disabled", "enabled", "stickySender", "unmappedAsAttributes", "includeUnknown" -> false;
            case "status" -> "active";
            case "defaultRegion", "region" -> "GB";
            case "timezone" -> "Europe/London";
            case "helpText", "stopConfirmation", "text", "subject", "reason", "source" -> "Fuzz text";
            case "messagesDays", "inboundDays", "importsDays", "auditDays", "ratePerSecond", "priority" -> 30;
            case "days" -> List.of("MON");
            case "from" -> "09:00";
            case "to" -> "17:00";
            case "phone" -> "+447700900123";
            case "locale" -> "en-GB";
            case "channel" -> "sms";
            case "tags" -> List.of("fuzz");
            default -> null;
        };
    }

    /** A known field of a request body: an object one has fields of its own (null for any other). */
    record Field(String name, Map<String, Field> fields) {
        boolean isObject() {
            return fields != null;
        }
    }

    /** A body of plausible values for the known fields (fields without a plausible value left out). */
    Map<String, Object> plausibleBody(Map<String, Field> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field field : fields.values()) {
            Object value = field.isObject() ? plausibleBody(field.fields()) : plausible(field.name());
            if (value != null && !(value instanceof Map<?, ?> m && m.isEmpty())) {
                out.put(field.name(), value);
            }
        }
        return out;
    }

    /** A JSON fragment spliced in as is (it may be invalid on purpose). */
    record RawJson(byte[] bytes) {}

    /** {@code base} (null: an empty object) with the value at {@code at} replaced by the raw JSON. */
    @SuppressWarnings("unchecked")
    static byte[] with(Map<String, Object> base, List<String> at, byte[] json) {
        Map<String, Object> root = base == null ? new LinkedHashMap<>() : deepCopy(base);
        Map<String, Object> node = root;
        for (String name : at.subList(0, at.size() - 1)) {
            if (!(node.get(name) instanceof Map)) {
                node.put(name, new LinkedHashMap<String, Object>());
            }
            node = (Map<String, Object>) node.get(name);
        }
        node.put(at.getLast(), new RawJson(json));
        return render(root);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, val) -> copy.put(k, val instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : val));
        return copy;
    }

    /** Serialises maps, {@link RawJson} fragments and plain values into JSON bytes. */
    static byte[] render(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        render(value, out);
        return out.toByteArray();
    }

    private static void render(Object value, ByteArrayOutputStream out) {
        if (value instanceof RawJson raw) {
            out.writeBytes(raw.bytes());
        } else if (value instanceof Map<?, ?> map) {
            out.write('{');
            boolean first = true;
            for (var e : map.entrySet()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                out.writeBytes(utf8(q((String) e.getKey())));
                out.write(':');
                render(e.getValue(), out);
            }
            out.write('}');
        } else {
            out.writeBytes(utf8(Json.write(value)));
        }
    }

    private static Value v(String label, String json) {
        return new Value(label, utf8(json), false);
    }

    private static Value refused(String label, byte[] json) {
        return new Value(label, json, true);
    }

    /** A JSON string literal. */
    static String q(String s) {
        return Json.write(s);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

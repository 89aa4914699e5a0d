package dev.parley.templates;

import dev.parley.contacts.Contact;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a template renders with: the caller's {@code data} over the contact's fields. Names a
 * template can use: {@code firstName}, {@code lastName}, {@code phone}, {@code email}, {@code timezone},
 * {@code locale}, {@code attributes.KEY}, and any key of {@code data} (dotted paths go into nested objects).
 *
 * <p>What a reader could get wrong: {@code data} wins path by path, not object by object. With data
 * {@code {"attributes": {"plan": "gold"}}}, {@code {{attributes.plan}}} is {@code gold} but
 * {@code {{attributes.city}}} still comes from the contact. Only strings, numbers and booleans print; an
 * object, a list, null or an empty string is "no value" (the default applies, or the name is unknown).
 */
public final class Variables {
    public static final Variables NONE = new Variables(Map.of(), Map.of());

    private final Map<String, Object> data;
    private final Map<String, Object> contact;

    private Variables(Map<String, Object> data, Map<String, Object> contact) {
        this.data = data == null ? Map.of() : data;
        this.contact = contact;
    }

    /** Values from {@code data} alone (an inline message with no contact). */
    public static Variables of(Map<String, Object> data) {
        return new Variables(data, Map.of());
    }

    /**
     * The contact's fields with {@code data} over them. Pass {@code contact.masked()} to show an agent
     * what a template would say without revealing the phone number or email.
     */
    public static Variables of(Contact contact, Map<String, Object> data) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("firstName", contact.firstName());
        fields.put("lastName", contact.lastName());
        fields.put("phone", contact.phone());
        fields.put("email", contact.email());
        fields.put("timezone", contact.timezone());
        fields.put("locale", contact.locale());
        fields.put("attributes", contact.attributes() == null ? Map.of() : contact.attributes());
        return new Variables(data, fields);
    }

    /** The printable value at {@code path}, or null when there is none. */
    String lookup(List<String> path) {
        String value = printable(walk(data, path));
        return value != null ? value : printable(walk(contact, path));
    }

    private static Object walk(Map<String, Object> root, List<String> path) {
        Object at = root;
        for (String name : path) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(name);
        }
        return at;
    }

    private static String printable(Object value) {
        return switch (value) {
            case String s when !s.isEmpty() -> s;
            case Boolean b -> b.toString();
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case Short s -> s.toString();
            case BigInteger i -> i.toString();
            case BigDecimal d -> Math.abs(d.scale()) > 100 ? d.toString() : d.toPlainString();
            case Double d when Double.isFinite(d) -> new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
            case Float f when Float.isFinite(f) -> new BigDecimal(Float.toString(f)).stripTrailingZeros().toPlainString();
            case null, default -> null;
        };
    }
}

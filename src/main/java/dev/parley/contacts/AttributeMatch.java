package dev.parley.contacts;

import dev.parley.core.Json;
import dev.parley.db.LikePatterns;
import java.util.Map;

/**
 * A contact's attribute compared with a value by exact match, in SQL that runs the same on H2 and PostgreSQL: the
 * contacts search's {@code attr.KEY=VALUE} and a campaign's {@code audience.filter} use it, so a segment found by a
 * search is the audience a campaign filtered the same way reaches.
 *
 * <p>Attributes are canonical JSON text (always written by {@link Json}: {@code {"city":"Leeds","vip":true}}), and the
 * match is a {@code LIKE} for {@code "KEY":"VALUE"}, or for {@code "KEY":VALUE} followed by {@code ,} or {@code }} (a
 * number or boolean written as the value's text). It is exact because a quote inside a JSON string is always escaped,
 * so the pattern cannot match inside another value, and attributes hold no nested objects (docs/contacts.md).
 */
public final class AttributeMatch {
    private AttributeMatch() {}

    /**
     * SQL that holds when {@code column} (a contact's {@code attributes_json}) has {@code key} with {@code value} as its
     * text; its three patterns are put in {@code binds} under names that start with {@code param}.
     */
    public static String condition(String column, String key, String value, String param, Map<String, Object> binds) {
        String pair = Json.write(key) + ":";
        binds.put(param + "s", "%" + LikePatterns.escape(pair + Json.write(value)) + "%");
        binds.put(param + "c", "%" + LikePatterns.escape(pair + value) + ",%");
        binds.put(param + "b", "%" + LikePatterns.escape(pair + value) + "}%");
        return "(" + column + " LIKE :" + param + "s ESCAPE '!' OR " + column + " LIKE :" + param + "c ESCAPE '!' OR "
                + column + " LIKE :" + param + "b ESCAPE '!')";
    }
}

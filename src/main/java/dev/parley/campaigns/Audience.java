package dev.parley.campaigns;

import dev.parley.contacts.AttributeMatch;
import dev.parley.core.Json;
import dev.parley.db.Dialect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Who gets a campaign's message, as one SQL expression: the verdict on an audience member (alias {@code c}
 * for its contact, possibly missing). Expansion writes rows by it and preview counts by it, so the two
 * cannot disagree. Binds {@code :tenant}, {@code :channelPrefix} ({@code "sms:"} or {@code "email:"}, the
 * start of a suppression's hashed address), {@code :channel} and {@code :requireOptIn}; a campaign's {@link Rule}
 * also binds its excluded lists and its filter's patterns.
 *
 * <p>Verdicts, first that applies: {@code excluded} (in an excluded list: no row), {@code filteredOut} (the
 * audience's filter does not match the contact: no row), {@code missingAddress}
 * (no contact, or no address for the channel: no row), {@code suppressed} (the address is suppressed on the
 * channel), {@code optedOut}, {@code notOptedIn} (only with {@code requireOptIn}) — those three get a
 * {@code suppressed} row — and {@code eligible}.
 */
final class Audience {
    static final String ELIGIBLE = "eligible";
    static final String EXCLUDED = "excluded";
    static final String FILTERED_OUT = "filteredOut";
    static final String MISSING_ADDRESS = "missingAddress";
    static final String SUPPRESSED = "suppressed";
    static final String OPTED_OUT = "optedOut";
    static final String NOT_OPTED_IN = "notOptedIn";

    private Audience() {}

    /** The address column of {@code channel} on the contact alias {@code c}. */
    static String address(String channel) {
        return channel.equals("sms") ? "c.phone" : "c.email";
    }

    static String consent(String channel) {
        return channel.equals("sms") ? "c.sms_consent" : "c.email_consent";
    }

    /**
     * The verdict on members of {@code d}'s audience for {@code channel}, with everything it binds: an audience member
     * is {@code a.contact_id}, its contact {@code c}.
     */
    static Rule rule(Dialect dialect, CampaignInput d, String channel) {
        List<String> excluded = d.audience().excludeListIds() == null ? List.of() : d.audience().excludeListIds();
        String exclusion = excluded.isEmpty() ? "FALSE"
                : "EXISTS (SELECT 1 FROM list_member x WHERE x.list_id IN (<excluded>) AND x.contact_id = a.contact_id)";
        Map<String, Object> filterBinds = new LinkedHashMap<>();
        List<String> matches = new ArrayList<>();
        CampaignInput.Filter filter = d.audience().filter();
        if (filter != null && filter.attributes() != null) {
            int i = 0;
            for (Map.Entry<String, Object> a : filter.attributes().entrySet()) {
                matches.add(AttributeMatch.condition("c.attributes_json", a.getKey(), text(a.getValue()), "fa" + i++, filterBinds));
            }
        }
        String verdict = verdict(dialect, channel, exclusion, matches.isEmpty() ? null : String.join(" AND ", matches));
        return new Rule(verdict, channel, Boolean.TRUE.equals(d.requireOptIn()), excluded, Map.copyOf(filterBinds));
    }

    /** The verdict, given a boolean SQL expression for "in an excluded list" ({@code FALSE} when none), with no filter. */
    static String verdict(Dialect dialect, String channel, String excluded) {
        return verdict(dialect, channel, excluded, null);
    }

    /** The verdict; {@code filterMatch} is a boolean SQL expression on the contact, null for none. */
    private static String verdict(Dialect dialect, String channel, String excluded, String filterMatch) {
        String address = address(channel);
        String consent = consent(channel);
        return "CASE WHEN " + excluded + " THEN '" + EXCLUDED + "'"
                // For a member whose contact is gone the match is NULL, so it falls through to missingAddress.
                + (filterMatch == null ? "" : " WHEN NOT (" + filterMatch + ") THEN '" + FILTERED_OUT + "'")
                + " WHEN c.id IS NULL OR " + address + " IS NULL THEN '" + MISSING_ADDRESS + "'"
                + " WHEN EXISTS (SELECT 1 FROM suppression s WHERE s.tenant_id = :tenant AND s.channel = :channel"
                + " AND s.address_hash = " + dialect.sha256Hex("CONCAT(:channelPrefix, " + address + ")") + ")"
                + " THEN '" + SUPPRESSED + "'"
                + " WHEN " + consent + " = 'optedOut' THEN '" + OPTED_OUT + "'"
                + " WHEN :requireOptIn AND " + consent + " <> 'optedIn' THEN '" + NOT_OPTED_IN + "'"
                + " ELSE '" + ELIGIBLE + "' END";
    }

    /** Binds the verdict's parameters (not {@code :tenant}, which a tenant handle binds). */
    static <Q extends SqlStatement<Q>> Q bind(Q q, String channel, boolean requireOptIn) {
        return q.bind("channel", channel).bind("channelPrefix", channel + ":").bind("requireOptIn", requireOptIn);
    }

    /** A filter value as the text it is matched by: a string as it is, a number or boolean as JSON writes it. */
    static String text(Object value) {
        return value instanceof String s ? s : Json.write(value);
    }

    /** The verdict as SQL ({@link #verdict}) and what it binds (not {@code :tenant}, which a tenant handle binds). */
    record Rule(String verdict, String channel, boolean requireOptIn, List<String> excluded, Map<String, Object> filterBinds) {
        <Q extends SqlStatement<Q>> Q bind(Q q) {
            Audience.bind(q, channel, requireOptIn);
            if (!excluded.isEmpty()) {
                q.bindList("excluded", excluded);
            }
            filterBinds.forEach(q::bind);
            return q;
        }
    }

    /** Why a member with this verdict gets a {@code suppressed} row; null when it gets a message (or no row). */
    static String blockedReason(String verdict, String channel) {
        return switch (verdict) {
            case SUPPRESSED -> "the address is suppressed on this channel";
            case OPTED_OUT -> "the contact opted out of " + channel;
            case NOT_OPTED_IN -> "the contact has not opted in to " + channel;
            default -> null;
        };
    }

    /** True for the verdicts that get no row at all. */
    static boolean skipped(String verdict) {
        return verdict.equals(EXCLUDED) || verdict.equals(FILTERED_OUT) || verdict.equals(MISSING_ADDRESS);
    }
}

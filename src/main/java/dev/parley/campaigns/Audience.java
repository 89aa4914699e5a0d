package dev.parley.campaigns;

import dev.parley.db.Dialect;

/**
 * Who gets a campaign's message, as one SQL expression: the verdict on an audience member (alias {@code c}
 * for its contact, possibly missing). Expansion writes rows by it and preview counts by it, so the two
 * cannot disagree. Binds {@code :tenant}, {@code :channelPrefix} ({@code "sms:"} or {@code "email:"}, the
 * start of a suppression's hashed address), {@code :channel} and {@code :requireOptIn}.
 *
 * <p>Verdicts, first that applies: {@code excluded} (in an excluded list: no row), {@code missingAddress}
 * (no contact, or no address for the channel: no row), {@code suppressed} (the address is suppressed on the
 * channel), {@code optedOut}, {@code notOptedIn} (only with {@code requireOptIn}) — those three get a
 * {@code suppressed} row — and {@code eligible}.
 */
final class Audience {
    static final String ELIGIBLE = "eligible";
    static final String EXCLUDED = "excluded";
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

    /** The verdict, given a boolean SQL expression for "in an excluded list" ({@code FALSE} when none). */
    static String verdict(Dialect dialect, String channel, String excluded) {
        String address = address(channel);
        String consent = consent(channel);
        return "CASE WHEN " + excluded + " THEN '" + EXCLUDED + "'"
                + " WHEN c.id IS NULL OR " + address + " IS NULL THEN '" + MISSING_ADDRESS + "'"
                + " WHEN EXISTS (SELECT 1 FROM suppression s WHERE s.tenant_id = :tenant AND s.channel = :channel"
                + " AND s.address_hash = " + dialect.sha256Hex("CONCAT(:channelPrefix, " + address + ")") + ")"
                + " THEN '" + SUPPRESSED + "'"
                + " WHEN " + consent + " = 'optedOut' THEN '" + OPTED_OUT + "'"
                + " WHEN :requireOptIn AND " + consent + " <> 'optedIn' THEN '" + NOT_OPTED_IN + "'"
                + " ELSE '" + ELIGIBLE + "' END";
    }

    /** Binds the verdict's parameters (not {@code :tenant}, which a tenant handle binds). */
    static <Q extends org.jdbi.v3.core.statement.SqlStatement<Q>> Q bind(Q q, String channel, boolean requireOptIn) {
        return q.bind("channel", channel).bind("channelPrefix", channel + ":").bind("requireOptIn", requireOptIn);
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
        return verdict.equals(EXCLUDED) || verdict.equals(MISSING_ADDRESS);
    }
}

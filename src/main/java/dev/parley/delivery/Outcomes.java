package dev.parley.delivery;

import dev.parley.providers.Backoff;
import dev.parley.providers.SendResult;
import java.time.Instant;

/**
 * Turns an attempt's result into the row's next state, by error class and guarantee (SPEC §4). A rejection
 * that proves the provider did not take the message (transient or provider error) moves it to its next
 * fallback provider at once when it has one; an ambiguous outcome never fails over, since the first
 * provider may have sent it.
 */
final class Outcomes {
    private Outcomes() {}

    static Settlement decide(Claimed c, SendResult result, Instant now, Backoff backoff) {
        return switch (result) {
            case SendResult.Accepted a -> settle(c, MessageStatus.SENT, a.providerMessageId(), null, null, "sent", null);
            case SendResult.Rejected r when r.errorClass() == SendResult.ErrorClass.PERMANENT ->
                    settle(c, MessageStatus.FAILED, null, describe(r), null, "failed", describe(r));
            case SendResult.Rejected r when c.fallbacks() != null && c.attempt() < c.maxAttempts() ->
                    failover(c, describe(r), 0);
            case SendResult.Rejected r -> {
                if (c.attempt() >= c.maxAttempts()) {
                    String why = "attempts exhausted (" + c.attempt() + "); last: " + describe(r);
                    yield settle(c, MessageStatus.FAILED, null, why, null, "failed", why);
                }
                Instant due = now.plus(backoff.delay(c.attempt(), r.retryAfter()));
                yield settle(c, MessageStatus.SCHEDULED, null, describe(r), due, "retry_scheduled",
                        describe(r) + "; next attempt at " + due);
            }
            case SendResult.Ambiguous a -> ambiguous(c, a.reason());
        };
    }

    /**
     * The row leaves its provider for the first of its fallbacks, queued at once.
     *
     * @param attemptDelta 0 after a real attempt; -1 when no attempt was made (the provider's circuit is open)
     */
    static Settlement failover(Claimed c, String why, int attemptDelta) {
        String[] route = c.fallbacks().split(",", 2);
        String next = route[0];
        String rest = route.length > 1 ? route[1] : null;
        return new Settlement(c.id(), c.tenantId(), c.attempt(), MessageStatus.QUEUED, next, null, why, null, attemptDelta,
                "failover", "from " + c.providerId() + " to " + next + ": " + why, rest, c.campaignId());
    }

    /** An attempt whose fate is unknown: at-most-once settles unknown, at-least-once goes back to the queue. */
    static Settlement ambiguous(Claimed c, String reason) {
        if (c.guarantee() == Guarantee.AT_MOST_ONCE) {
            return settle(c, MessageStatus.UNKNOWN, null, reason, null, "unknown", reason);
        }
        if (c.attempt() >= c.maxAttempts()) {
            String why = "attempts exhausted (" + c.attempt() + "); last outcome ambiguous: " + reason;
            return settle(c, MessageStatus.FAILED, null, why, null, "failed", why);
        }
        return settle(c, MessageStatus.QUEUED, null, reason, null, "requeued", reason + "; at-least-once, sending again");
    }

    /** The row was claimed but its send never started (expired before its turn). */
    static Settlement expired(Claimed c) {
        return unstarted(c, MessageStatus.EXPIRED, "validUntil passed before it could be sent", "expired",
                "validUntil " + c.validUntil());
    }

    /** The address is suppressed on this channel: the message is blocked, never sent. */
    static Settlement suppressed(Claimed c) {
        return unstarted(c, MessageStatus.SUPPRESSED, "the address is suppressed on this channel", "suppressed",
                "blocked at send time");
    }

    /** The row was claimed but its send provably never started; it goes back to the queue as it was. */
    static Settlement released(Claimed c, String why) {
        return unstarted(c, MessageStatus.QUEUED, null, "released", why);
    }

    private static Settlement unstarted(Claimed c, MessageStatus to, String error, String type, String detail) {
        return new Settlement(c.id(), c.tenantId(), c.attempt(), to, c.providerId(), null, error, null, -1, type, detail,
                c.fallbacks(), c.campaignId());
    }

    private static Settlement settle(Claimed c, MessageStatus to, String pmid, String error, Instant due, String type,
                                     String detail) {
        return new Settlement(c.id(), c.tenantId(), c.attempt(), to, c.providerId(), pmid, error, due, 0, type, detail,
                c.fallbacks(), c.campaignId());
    }

    private static String describe(SendResult.Rejected r) {
        return r.errorClass().name().toLowerCase() + " " + (r.code() == null ? "" : r.code() + ": ") + r.reason();
    }
}

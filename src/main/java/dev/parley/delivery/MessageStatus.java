package dev.parley.delivery;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The ledger's state machine (SPEC §4; drawn in docs/delivery.md). Each state says how a row enters it
 * and leaves it. The database mirrors the set with a CHECK constraint; every change is an
 * {@code UPDATE … WHERE status = :expected} whose row count is checked.
 */
public enum MessageStatus {
    /** Enters: created with a future {@code sendAt}, or a transient failure's back-off. Leaves: the
     *  {@link Scheduler} queues it when due (or expires it), or a cancel. */
    SCHEDULED,
    /** Enters: created due now, promoted by the scheduler, released by a stopping node, reaped at-least-once.
     *  Leaves: claimed by a node's {@link Claimer}, or canceled. */
    QUEUED,
    /** Enters: claimed under a lease. Leaves: the {@link Settler} records the attempt's result, the reaper
     *  settles an expired lease by guarantee, or a stopping node releases it unstarted. */
    SENDING,
    /** Enters: the provider accepted it. Leaves: a receipt (delivered/undelivered); never backwards. */
    SENT,
    /** Terminal: a receipt says it reached the person. */
    DELIVERED,
    /** Terminal: a receipt says it did not (bounce, carrier reject). */
    UNDELIVERED,
    /** Terminal: a permanent error, or attempts exhausted. Leaves only by an explicit retry. */
    FAILED,
    /** Terminal: an at-most-once attempt may or may not have reached the provider. Leaves only by an explicit retry. */
    UNKNOWN,
    /** Terminal: {@code validUntil} passed before it could be sent. */
    EXPIRED,
    /** Terminal: canceled by a user or its campaign. */
    CANCELED,
    /** Terminal: blocked at send time by a suppression, opt-out or missing consent. */
    SUPPRESSED;

    private static final Set<MessageStatus> OPEN = Set.of(SCHEDULED, QUEUED, SENDING);

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for states no automatic process moves the message out of (sent still awaits receipts). */
    public boolean settled() {
        return !OPEN.contains(this);
    }

    public static Optional<MessageStatus> parse(String value) {
        for (MessageStatus s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static MessageStatus of(String wire) {
        return parse(wire).orElseThrow(() -> new IllegalStateException("unknown message status " + wire));
    }
}

package dev.parley.inbound;

import dev.parley.contacts.Consents;
import dev.parley.contacts.Suppressions;
import dev.parley.db.TenantHandle;

/**
 * A person leaving or rejoining a channel, however they said so (a STOP reply, an unsubscribe link, a
 * provider's unsubscribe or spam report): the address is suppressed on the channel (or no longer) and the
 * contact's consent follows, in the caller's transaction.
 */
final class OptOuts {
    private final Suppressions suppressions;
    private final Consents consents;

    OptOuts(Suppressions suppressions, Consents consents) {
        this.suppressions = suppressions;
        this.consents = consents;
    }

    /**
     * Suppresses {@code address} on {@code channel} and records the contact's opt-out (when there is a
     * contact); true when the address was not suppressed before.
     */
    boolean optOut(TenantHandle th, String channel, String address, String contactId, String reason, String source,
                   String consentSource) {
        boolean fresh = suppressions.add(th, channel, address, reason, source).created();
        if (contactId != null) {
            consents.record(th, contactId, channel, "optedOut", consentSource, null);
        }
        return fresh;
    }

    /** Lifts the suppression of {@code address} on {@code channel} and records the contact's opt-in. */
    void optIn(TenantHandle th, String channel, String address, String contactId, String consentSource) {
        suppressions.remove(th, channel, address);
        if (contactId != null) {
            consents.record(th, contactId, channel, "optedIn", consentSource, null);
        }
    }
}

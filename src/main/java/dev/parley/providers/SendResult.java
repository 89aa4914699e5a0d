package dev.parley.providers;

import java.time.Duration;

/** What became of one send attempt. */
public sealed interface SendResult {
    /** The provider accepted the message and gave it an id; receipts may follow. */
    record Accepted(String providerMessageId) implements SendResult {}

    /**
     * The provider provably did not accept it.
     *
     * @param retryAfter the provider's own hint, or null
     */
    record Rejected(ErrorClass errorClass, String code, String reason, Duration retryAfter) implements SendResult {}

    /** The provider may or may not have accepted it; the message's guarantee decides what happens next. */
    record Ambiguous(String reason) implements SendResult {}

    /** How a rejection is treated (SPEC §4). */
    enum ErrorClass {
        /** Bad recipient, content rejected: the message fails, no retry. */
        PERMANENT,
        /** Rate limited, server error without acceptance, connection refused: retried with back-off. */
        TRANSIENT,
        /** Bad credentials, no funds: the provider's circuit opens; the message waits or fails over. */
        PROVIDER
    }
}

package dev.parley.providers;

/**
 * A provider account Parley sends through: one class per provider type, one instance per configured
 * account. {@link #send} is called on a virtual thread, may block, and reports every outcome as a
 * {@link SendResult} value; it throws only {@link InterruptedException} (shutdown).
 *
 * <p>The one thing an adapter must get right: {@link SendResult.Rejected} means the provider provably
 * did not accept the message (connection refused, 4xx, 429, a documented non-acceptance), and
 * {@link SendResult.Ambiguous} means it may have (timeout after the request was written, connection
 * reset mid-answer). An at-most-once message is never resent after an ambiguous outcome.
 */
public interface Provider extends AutoCloseable {
    SendResult send(SendRequest request) throws InterruptedException;

    /** Releases connections and threads. */
    @Override
    default void close() {}
}

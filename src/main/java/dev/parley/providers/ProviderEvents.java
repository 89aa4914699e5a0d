package dev.parley.providers;

import java.util.List;

/**
 * Where an adapter hands events that arrive on its own connection (SMPP {@code deliver_sm}) rather than
 * through a webhook. {@link #publish} stores the events before it returns, so an adapter acknowledges
 * the provider only after a normal return; it throws when they could not be stored.
 */
@FunctionalInterface
public interface ProviderEvents {
    void publish(String providerId, List<ProviderEvent> events);

    /** Drops everything: for adapters built outside a running node (tests, benchmarks). */
    ProviderEvents NONE = (providerId, events) -> {};
}

package dev.parley.providers;

import java.net.URI;
import java.time.Clock;

/**
 * What an adapter gets from the node that runs it.
 *
 * @param hookBase the public URL of this account's callbacks without the kind, e.g.
 *                 {@code https://parley.example/hooks/twilio/prv_…}; an adapter appends {@code /status},
 *                 {@code /inbound} or {@code /events} when it tells its provider where to call back
 * @param events   where events arriving on the adapter's own connection go
 */
public record ProviderContext(String providerId, Clock clock, URI hookBase, ProviderEvents events) {
    /** A context for an adapter built outside a running node: callbacks go nowhere. */
    public static ProviderContext detached(String providerId, String type) {
        return new ProviderContext(providerId, Clock.systemUTC(),
                URI.create("http://127.0.0.1:8080/hooks/" + type + "/" + providerId), ProviderEvents.NONE);
    }
}

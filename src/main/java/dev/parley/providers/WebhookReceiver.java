package dev.parley.providers;

import java.util.List;

/**
 * Implemented by adapters whose provider calls Parley back over HTTP at
 * {@code /hooks/{type}/{providerId}/{kind}} (SPEC §3). The adapter verifies the request exactly as its
 * provider documents the signature and parses it; Parley then stores and applies the events.
 */
public interface WebhookReceiver {
    /**
     * Verifies and parses one callback.
     *
     * @throws dev.parley.core.Failure.Unauthenticated when the signature is missing, forged or stale: the
     *         request is answered 401 and nothing is stored
     * @throws dev.parley.core.Failure.Invalid when it is authentic but not understood (400)
     */
    HookReply receive(HookRequest request);

    /**
     * The events in a verified callback and what to answer the provider.
     *
     * @param contentType of {@code body}, or null for an empty 204 answer
     */
    record HookReply(List<ProviderEvent> events, String contentType, String body) {
        public static HookReply of(List<ProviderEvent> events) {
            return new HookReply(events, null, null);
        }
    }
}

package dev.parley.simulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One accepted {@code /send} request.
 *
 * @param receivedNanos when it arrived, in {@link SimClock#nanos()} (epoch nanoseconds, monotonic)
 * @param receivedAtMillis the wall clock when it arrived
 * @param late true when it was answered only after {@code --timeout-ms} (the ambiguous case)
 */
public record LedgerEntry(String id, String channel, String to, String providerMessageId,
                          long receivedNanos, long receivedAtMillis, boolean late) {

    public Instant receivedAt() {
        return Instant.ofEpochMilli(receivedAtMillis);
    }

    /** The NDJSON line's fields, in a stable order. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("channel", channel);
        json.put("to", to);
        json.put("providerMessageId", providerMessageId);
        json.put("receivedAt", receivedAt());
        json.put("receivedAtMillis", receivedAtMillis);
        json.put("receivedNanos", receivedNanos);
        json.put("late", late);
        return json;
    }
}

package dev.parley.providers;

import java.time.Instant;
import java.util.Map;

/**
 * A configured provider account as the API shows it: secret config fields are replaced by
 * {@code "********"} and never shown back.
 */
public record ProviderAccount(String id, String name, String type, String channel, Map<String, Object> config,
                              Double ratePerSecond, boolean enabled, Instant createdAt, Instant updatedAt) {}

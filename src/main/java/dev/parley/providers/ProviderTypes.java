package dev.parley.providers;

import dev.parley.core.Failure;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Placeholder catalogue until the adapters land: the in-process simulator only. */
public final class ProviderTypes {
    private ProviderTypes() {}

    public static List<Failure.FieldError> validate(String type, String channel, Map<String, Object> config) {
        if (!"simulator".equals(type)) {
            return List.of(new Failure.FieldError("type", "invalid", "type must be simulator"));
        }
        return List.of();
    }

    public static Set<String> secretFields(String type) {
        return Set.of();
    }

    public static Provider create(String providerId, String type, Map<String, Object> config) {
        return request -> new SendResult.Accepted("sim-" + request.messageId());
    }
}

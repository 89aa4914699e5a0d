package dev.parley.providers;

import dev.parley.core.Failure.FieldError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A provider account's {@code config} object checked against its type's {@link ConfigField}s, read
 * with the defaults filled in. Only {@link #check} sees unvalidated input; the getters assume it passed.
 */
final class ProviderConfig {
    private final Map<String, Object> values;

    private ProviderConfig(Map<String, Object> values) {
        this.values = values;
    }

    /** Every problem with {@code config}, as errors on {@code config.<key>}; unknown keys are errors. */
    static List<FieldError> check(List<ConfigField> fields, Map<String, Object> config) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, Object> given = config == null ? Map.of() : config;
        for (String key : given.keySet()) {
            if (fields.stream().noneMatch(f -> f.name().equals(key))) {
                errors.add(new FieldError("config." + key, "unknown", "unknown setting '" + key + "'"));
            }
        }
        for (ConfigField field : fields) {
            Object value = given.get(field.name());
            String path = "config." + field.name();
            if (value == null) {
                if (field.required()) {
                    errors.add(new FieldError(path, "required", path + " is required"));
                }
                continue;
            }
            String problem = field.problem(value);
            if (problem != null) {
                errors.add(new FieldError(path, "invalid", path + " " + problem));
            }
        }
        return errors;
    }

    /** Reads a config that passed {@link #check}, filling in defaults. */
    static ProviderConfig of(List<ConfigField> fields, Map<String, Object> config) {
        Map<String, Object> values = new HashMap<>();
        for (ConfigField field : fields) {
            Object value = config == null ? null : config.get(field.name());
            if (value == null) {
                value = field.defaultValue();
            }
            if (value != null) {
                values.put(field.name(), value);
            }
        }
        return new ProviderConfig(values);
    }

    long integer(String name) {
        return ((Number) values.get(name)).longValue();
    }

    /** An integer setting, or {@code fallback} for a type that does not declare it. */
    long integer(String name, long fallback) {
        Object v = values.get(name);
        return v == null ? fallback : ((Number) v).longValue();
    }

    double rate(String name) {
        return ((Number) values.get(name)).doubleValue();
    }

    /** A text setting, or null when it is optional and absent. */
    String text(String name) {
        return (String) values.get(name);
    }
}

package dev.parley.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness checks by name. {@code /health} says the process is up; {@code /health/ready} runs every
 * check and answers 503 with each one's detail when any fails.
 */
public final class Health {
    /** One dependency's state. */
    public record Check(boolean ok, String detail) {
        public static Check up(String detail) {
            return new Check(true, detail);
        }

        public static Check down(String detail) {
            return new Check(false, detail);
        }
    }

    private final Map<String, Supplier<Check>> checks = new LinkedHashMap<>();

    public Health add(String name, Supplier<Check> check) {
        checks.put(name, check);
        return this;
    }

    Map<String, Check> run() {
        Map<String, Check> results = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            Check result;
            try {
                result = check.get();
            } catch (RuntimeException e) {
                result = Check.down(e.toString());
            }
            results.put(name, result);
        });
        return results;
    }
}

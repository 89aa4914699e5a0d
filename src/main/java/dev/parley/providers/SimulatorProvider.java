package dev.parley.providers;

import dev.parley.core.Failure.FieldError;
import dev.parley.providers.SendResult.ErrorClass;
import java.util.List;

/**
 * The built-in in-process provider: answers like a real one after a configurable latency, with
 * configurable shares of transient, permanent and ambiguous (timeout) outcomes. Sends nothing anywhere.
 *
 * <p>Outcomes are a pure function of {@code seed}, the message id and the attempt number, never of the
 * order in which threads call {@link #send}: the same run gives the same answers, there is no shared
 * random state and no lock. A retried message draws afresh, so retries can succeed.
 */
public final class SimulatorProvider implements Provider {
    static final List<ConfigField> FIELDS = List.of(
            ConfigField.integer("latencyMs", 0, 0, 60_000),
            ConfigField.integer("jitterMs", 0, 0, 60_000),
            ConfigField.rate("failRate"),
            ConfigField.rate("timeoutRate"),
            ConfigField.rate("permanentFailRate"),
            ConfigField.integer("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE));

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long latencyMs;
    private final long jitterMs;
    private final double permanentBelow;
    private final double transientBelow;
    private final double timeoutBelow;
    private final long seed;

    SimulatorProvider(ProviderConfig config) {
        latencyMs = config.integer("latencyMs");
        jitterMs = config.integer("jitterMs");
        permanentBelow = config.rate("permanentFailRate");
        transientBelow = permanentBelow + config.rate("failRate");
        timeoutBelow = transientBelow + config.rate("timeoutRate");
        seed = config.integer("seed");
    }

    /** The rates share one draw, so together they may not exceed 1. */
    static List<FieldError> crossCheck(ProviderConfig config) {
        double sum = config.rate("failRate") + config.rate("timeoutRate") + config.rate("permanentFailRate");
        return sum <= 1.0 ? List.of() : List.of(new FieldError("config", "range",
                "config.failRate + config.timeoutRate + config.permanentFailRate must be at most 1"));
    }

    @Override
    public SendResult send(SendRequest request) throws InterruptedException {
        long state = mix(seed ^ mix(request.messageId().hashCode() * GOLDEN + request.attempt()));
        double outcome = unit(state);
        double jitterDraw = unit(mix(state + GOLDEN));
        long delay = latencyMs + Math.round((2 * jitterDraw - 1) * jitterMs);
        if (delay > 0) {
            Thread.sleep(delay);
        }
        if (outcome < permanentBelow) {
            return new SendResult.Rejected(ErrorClass.PERMANENT, "simulated", "simulated permanent failure", null);
        }
        if (outcome < transientBelow) {
            return new SendResult.Rejected(ErrorClass.TRANSIENT, "simulated", "simulated transient failure", null);
        }
        if (outcome < timeoutBelow) {
            return new SendResult.Ambiguous("simulated timeout");
        }
        return new SendResult.Accepted("sim-" + request.messageId());
    }

    /** SplitMix64's finaliser: a well-spread 64-bit hash of {@code z}. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A double in [0, 1) from the top 53 bits. */
    private static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }
}

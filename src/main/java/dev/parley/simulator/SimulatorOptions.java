package dev.parley.simulator;

import dev.parley.core.Failure;
import java.net.URI;

/**
 * How the simulator behaves. Rates are fractions of valid {@code /send} requests: {@code failRate} of them
 * are answered 503 and {@code timeoutRate} of them are recorded but answered late; the two never overlap,
 * so together they may not exceed 1.
 *
 * @param rateLimit accepted requests allowed per wall-clock second; 0 means unlimited
 * @param requireAuth the exact {@code Authorization} header value {@code /send} demands, or null for none
 * @param deliveredRate stored for the receipt callbacks of the provider dialects; not used by {@code /send}
 * @param replyRate stored for inbound replies; not used yet
 * @param replyText stored for inbound replies; not used yet
 * @param callbacksTo stored for receipt and reply callbacks, or null; not used yet
 */
public record SimulatorOptions(String host, int port, long latencyMs, long jitterMs, double failRate, double timeoutRate,
                               long timeoutMs, int rateLimit, long seed, String requireAuth,
                               double deliveredRate, double replyRate, String replyText, String callbacksTo) {

    public SimulatorOptions {
        check(port >= 0 && port <= 65_535, "--port", "must be between 0 and 65535");
        check(latencyMs >= 0, "--latency-ms", "must not be negative");
        check(jitterMs >= 0, "--jitter-ms", "must not be negative");
        checkFraction(failRate, "--fail-rate");
        checkFraction(timeoutRate, "--timeout-rate");
        check(failRate + timeoutRate <= 1.0, "--timeout-rate", "--fail-rate plus --timeout-rate must not exceed 1");
        check(timeoutMs >= 0, "--timeout-ms", "must not be negative");
        check(rateLimit >= 0, "--rate-limit", "must not be negative (0 means unlimited)");
        check(requireAuth == null || !requireAuth.isBlank(), "--require-auth", "must not be blank");
        checkFraction(deliveredRate, "--delivered-rate");
        checkFraction(replyRate, "--reply-rate");
        check(callbacksTo == null || isHttpUrl(callbacksTo), "--callbacks-to", "must be an http or https URL");
    }

    /** Everything at its default: answers at once, never fails, no limit, port 0. */
    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, 0, 0, 0, 0, 30_000, 0, 1, null, 1.0, 0, "STOP", null);
    }

    public SimulatorOptions withPort(int newPort) {
        return new SimulatorOptions(host, newPort, latencyMs, jitterMs, failRate, timeoutRate, timeoutMs, rateLimit, seed,
                requireAuth, deliveredRate, replyRate, replyText, callbacksTo);
    }

    public SimulatorOptions withLatency(long newLatencyMs, long newJitterMs) {
        return new SimulatorOptions(host, port, newLatencyMs, newJitterMs, failRate, timeoutRate, timeoutMs, rateLimit, seed,
                requireAuth, deliveredRate, replyRate, replyText, callbacksTo);
    }

    public SimulatorOptions withFailures(double newFailRate, double newTimeoutRate, long newTimeoutMs) {
        return new SimulatorOptions(host, port, latencyMs, jitterMs, newFailRate, newTimeoutRate, newTimeoutMs, rateLimit, seed,
                requireAuth, deliveredRate, replyRate, replyText, callbacksTo);
    }

    public SimulatorOptions withRateLimit(int perSecond) {
        return new SimulatorOptions(host, port, latencyMs, jitterMs, failRate, timeoutRate, timeoutMs, perSecond, seed,
                requireAuth, deliveredRate, replyRate, replyText, callbacksTo);
    }

    public SimulatorOptions withSeed(long newSeed) {
        return new SimulatorOptions(host, port, latencyMs, jitterMs, failRate, timeoutRate, timeoutMs, rateLimit, newSeed,
                requireAuth, deliveredRate, replyRate, replyText, callbacksTo);
    }

    public SimulatorOptions withRequiredAuth(String header) {
        return new SimulatorOptions(host, port, latencyMs, jitterMs, failRate, timeoutRate, timeoutMs, rateLimit, seed,
                header, deliveredRate, replyRate, replyText, callbacksTo);
    }

    /** Every option, with the required Authorization value masked: it is a credential. */
    @Override
    public String toString() {
        return "latencyMs=" + latencyMs + " jitterMs=" + jitterMs + " failRate=" + failRate + " timeoutRate=" + timeoutRate
                + " timeoutMs=" + timeoutMs + " rateLimit=" + rateLimit + " seed=" + seed
                + " requireAuth=" + (requireAuth == null ? "no" : "yes") + " deliveredRate=" + deliveredRate
                + " replyRate=" + replyRate + " replyText=" + replyText + " callbacksTo=" + callbacksTo;
    }

    private static void checkFraction(double value, String option) {
        check(value >= 0 && value <= 1, option, "must be between 0 and 1");
    }

    private static void check(boolean ok, String option, String problem) {
        if (!ok) {
            throw new Failure.Invalid(option, "invalid", option + ": " + problem);
        }
    }

    static boolean isHttpUrl(String text) {
        try {
            URI uri = URI.create(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

package dev.parley.simulator;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * Decides what happens to each valid {@code /send} request. Every request takes exactly one draw from a
 * {@link Random} seeded with {@code --seed}, so a client sending one request at a time sees the same
 * sequence of fates on every run; concurrent clients see the same proportions in a different order.
 */
final class Fates {
    /** What the simulator does with a request. */
    enum Outcome {
        /** Recorded and answered 200 after the latency. */
        ACCEPT,
        /** Not recorded; answered 503 after the latency. */
        FAIL,
        /** Recorded, but answered only after the timeout: the client cannot know it was accepted. */
        LATE
    }

    /** One request's fate; {@code delayMillis} is how long to wait before answering. */
    record Fate(Outcome outcome, long delayMillis) {}

    private final Random seeded;
    private final double failRate;
    private final double timeoutRate;
    private final long latencyMs;
    private final long jitterMs;
    private final long timeoutMs;

    Fates(SimulatorOptions options) {
        this.seeded = new Random(options.seed());
        this.failRate = options.failRate();
        this.timeoutRate = options.timeoutRate();
        this.latencyMs = options.latencyMs();
        this.jitterMs = options.jitterMs();
        this.timeoutMs = options.timeoutMs();
    }

    Fate next() {
        SplittableRandom draw = new SplittableRandom(seeded.nextLong());
        double u = draw.nextDouble();
        long latency = latencyMs + (jitterMs > 0 ? draw.nextLong(jitterMs + 1) : 0);
        if (u < failRate) {
            return new Fate(Outcome.FAIL, latency);
        }
        if (u < failRate + timeoutRate) {
            return new Fate(Outcome.LATE, timeoutMs);
        }
        return new Fate(Outcome.ACCEPT, latency);
    }
}

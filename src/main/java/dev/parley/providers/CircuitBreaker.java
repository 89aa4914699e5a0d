package dev.parley.providers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One provider account's circuit breaker (SPEC §4), in memory on each node. It opens when at least half
 * of at least {@value #MIN_SENDS} sends in the last {@value #WINDOW_SECONDS} s failed, or after
 * {@value #MAX_CONSECUTIVE_PROVIDER_ERRORS} provider-class errors in a row; it stays open
 * {@link #OPEN_FOR}, then lets one probe through: success closes it, failure reopens it.
 *
 * <p>What counts as a failure: transient and provider-class rejections and ambiguous outcomes. A
 * permanent rejection is the recipient's fault and counts as a healthy answer. {@link #allow()} is one
 * volatile read while closed; {@link #record} takes a short lock. A probe whose result never comes back
 * (its node died) is replaced after another {@link #OPEN_FOR}.
 */
public final class CircuitBreaker {
    static final int MIN_SENDS = 20;
    static final int WINDOW_SECONDS = 30;
    static final int MAX_CONSECUTIVE_PROVIDER_ERRORS = 5;
    static final Duration OPEN_FOR = Duration.ofSeconds(30);
    static final int KEPT_ERRORS = 10;

    public enum State {
        CLOSED, OPEN, HALF_OPEN;

        /** {@code closed}, {@code open}, {@code halfOpen}. */
        public String wire() {
            return switch (this) {
                case CLOSED -> "closed";
                case OPEN -> "open";
                case HALF_OPEN -> "halfOpen";
            };
        }
    }

    /** A recent non-accepted outcome; {@code errorClass} is {@code ambiguous} or a rejection's class. */
    public record RecentError(Instant at, String errorClass, String code, String reason) {}

    /** {@code probeAt}: when the current half-open probe was let through. */
    private record Phase(State state, Instant since, Instant probeAt) {}

    private final Clock clock;
    private final AtomicReference<Phase> phase;
    private final ReentrantLock lock = new ReentrantLock();
    private final long[] bucketSecond = new long[WINDOW_SECONDS];
    private final int[] bucketSends = new int[WINDOW_SECONDS];
    private final int[] bucketFailures = new int[WINDOW_SECONDS];
    private final ArrayDeque<RecentError> lastErrors = new ArrayDeque<>();
    private int consecutiveProviderErrors;

    public CircuitBreaker(Clock clock) {
        this.clock = clock;
        this.phase = new AtomicReference<>(new Phase(State.CLOSED, clock.instant(), null));
    }

    /** Whether a send may go to this provider now; in half-open, true for exactly one probe. */
    public boolean allow() {
        Phase p = phase.get();
        if (p.state() == State.CLOSED) {
            return true;
        }
        Instant now = clock.instant();
        if (p.state() == State.OPEN) {
            return !now.isBefore(p.since().plus(OPEN_FOR))
                    && phase.compareAndSet(p, new Phase(State.HALF_OPEN, now, now));
        }
        return !now.isBefore(p.probeAt().plus(OPEN_FOR))
                && phase.compareAndSet(p, new Phase(State.HALF_OPEN, p.since(), now));
    }

    /** Feeds one send's outcome in; may open or close the circuit. */
    public void record(SendResult result) {
        boolean failure = isFailure(result);
        boolean providerError = result instanceof SendResult.Rejected r && r.errorClass() == SendResult.ErrorClass.PROVIDER;
        Instant now = clock.instant();
        lock.lock();
        try {
            int bucket = bucketFor(now.getEpochSecond());
            bucketSends[bucket]++;
            bucketFailures[bucket] += failure ? 1 : 0;
            consecutiveProviderErrors = providerError ? consecutiveProviderErrors + 1 : 0;
            remember(now, result);
            Phase p = phase.get();
            switch (p.state()) {
                case CLOSED -> {
                    if (consecutiveProviderErrors >= MAX_CONSECUTIVE_PROVIDER_ERRORS || overFailureRate(now)) {
                        phase.set(new Phase(State.OPEN, now, null));
                    }
                }
                case HALF_OPEN -> {
                    if (failure) {
                        phase.set(new Phase(State.OPEN, now, null));
                    } else {
                        clearWindow();
                        phase.set(new Phase(State.CLOSED, now, null));
                    }
                }
                case OPEN -> { }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The state as it stands now: an open circuit whose time is up reads as half-open. */
    public State state() {
        Phase p = phase.get();
        if (p.state() == State.OPEN && !clock.instant().isBefore(p.since().plus(OPEN_FOR))) {
            return State.HALF_OPEN;
        }
        return p.state();
    }

    /**
     * What the queue board and {@code /providers/{id}/health} show, ready for JSON: {@code state},
     * {@code since}, and over the sliding window {@code sends}, {@code failures}, {@code failureRate};
     * then {@code consecutiveProviderErrors} and {@code lastErrors} (oldest first, {@link RecentError}s).
     */
    public Map<String, Object> snapshot() {
        Instant now = clock.instant();
        State state = state();
        Phase p = phase.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", state.wire());
        out.put("since", state == p.state() ? p.since() : p.since().plus(OPEN_FOR));
        lock.lock();
        try {
            Counts window = window(now);
            out.put("sends", window.sends());
            out.put("failures", window.failures());
            out.put("failureRate", window.sends() == 0 ? 0.0 : (double) window.failures() / window.sends());
            out.put("consecutiveProviderErrors", consecutiveProviderErrors);
            out.put("lastErrors", List.copyOf(lastErrors));
        } finally {
            lock.unlock();
        }
        return out;
    }

    private static boolean isFailure(SendResult result) {
        return switch (result) {
            case SendResult.Accepted a -> false;
            case SendResult.Rejected r -> r.errorClass() != SendResult.ErrorClass.PERMANENT;
            case SendResult.Ambiguous a -> true;
        };
    }

    private boolean overFailureRate(Instant now) {
        Counts window = window(now);
        return window.sends() >= MIN_SENDS && window.failures() * 2 >= window.sends();
    }

    private record Counts(int sends, int failures) {}

    /** Sends and failures in the seconds of the sliding window ending at {@code now}; caller holds the lock. */
    private Counts window(Instant now) {
        long oldest = now.getEpochSecond() - WINDOW_SECONDS;
        int sends = 0;
        int failures = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            if (bucketSecond[i] > oldest) {
                sends += bucketSends[i];
                failures += bucketFailures[i];
            }
        }
        return new Counts(sends, failures);
    }

    /** The bucket of second {@code second}, emptied first if it last held an older second. */
    private int bucketFor(long second) {
        int i = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
        if (bucketSecond[i] != second) {
            bucketSecond[i] = second;
            bucketSends[i] = 0;
            bucketFailures[i] = 0;
        }
        return i;
    }

    private void clearWindow() {
        Arrays.fill(bucketSends, 0);
        Arrays.fill(bucketFailures, 0);
        consecutiveProviderErrors = 0;
    }

    private void remember(Instant now, SendResult result) {
        RecentError error = switch (result) {
            case SendResult.Accepted a -> null;
            case SendResult.Rejected r -> new RecentError(now, r.errorClass().name().toLowerCase(Locale.ROOT), r.code(), r.reason());
            case SendResult.Ambiguous a -> new RecentError(now, "ambiguous", null, a.reason());
        };
        if (error != null) {
            if (lastErrors.size() == KEPT_ERRORS) {
                lastErrors.removeFirst();
            }
            lastErrors.addLast(error);
        }
    }
}

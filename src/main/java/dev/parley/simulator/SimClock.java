package dev.parley.simulator;

import java.time.Instant;

/**
 * The simulator's time. {@link #nanos()} is {@link System#nanoTime()} anchored to the wall clock once, at
 * start: nanosecond steps that never go backwards, expressed as nanoseconds since the epoch. Windows and
 * rates are computed on it; {@link #wallMillis()} is the plain wall clock, kept beside it for readers who
 * compare with other processes' logs.
 */
interface SimClock {
    long nanos();

    long wallMillis();

    static SimClock system() {
        Instant anchor = Instant.now();
        long anchorEpochNanos = anchor.getEpochSecond() * 1_000_000_000L + anchor.getNano();
        long anchorNanoTime = System.nanoTime();
        return new SimClock() {
            @Override
            public long nanos() {
                return anchorEpochNanos + (System.nanoTime() - anchorNanoTime);
            }

            @Override
            public long wallMillis() {
                return System.currentTimeMillis();
            }
        };
    }
}

package dev.parley.campaigns;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A campaign's progress (SPEC §5), summed from its counters, never counted from its rows. {@code total} is
 * the audience estimated at launch until expansion ends, then the rows expanded. {@code ratePerSecond} is
 * messages accepted by providers per second over the last minute; {@code eta} assumes it holds.
 */
public record Progress(long total, long expanded, boolean expansionDone, long scheduled, long queued, long sending,
                       long sent, long delivered, long undelivered, long failed, long unknown, long expired, long canceled,
                       long suppressed, long opened, long clicked, long replied, long optedOut, double ratePerSecond,
                       Instant eta, BigDecimal costEstimate, BigDecimal costActual, Instant startedAt, Instant completedAt) {

    /** Rows still waiting or being sent. */
    long open() {
        return scheduled + queued + sending;
    }
}

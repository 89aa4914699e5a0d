package dev.parley.campaigns;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A campaign's progress (SPEC §5), summed from its counters, never counted from its rows. {@code total} is
 * the audience estimated at launch until expansion ends, then the rows expanded (of every step).
 * {@code ratePerSecond} is messages accepted by providers per second over the last minute; {@code eta} assumes
 * it holds. {@code variants} splits the first message's counters by A/B variant (empty without variants),
 * {@code steps} splits every counter by sequence step (only with steps; step 0 is the first message).
 */
public record Progress(long total, long expanded, boolean expansionDone, long scheduled, long queued, long sending,
                       long sent, long delivered, long undelivered, long failed, long unknown, long expired, long canceled,
                       long suppressed, long opened, long clicked, long replied, long optedOut, double ratePerSecond,
                       Instant eta, BigDecimal costEstimate, BigDecimal costActual, Instant startedAt, Instant completedAt,
                       List<Variant> variants, List<Step> steps) {

    /** Rows still waiting or being sent. */
    long open() {
        return scheduled + queued + sending;
    }

    /** One A/B variant's counters; {@code total} is its rows. */
    public record Variant(String name, long total, long scheduled, long queued, long sending, long sent, long delivered,
                          long undelivered, long failed, long unknown, long expired, long canceled, long suppressed,
                          long opened, long clicked, long replied, long optedOut) {

        static Variant of(String name, Map<String, Long> c) {
            return new Variant(name, CampaignProgress.rows(c), n(c, "scheduled"), n(c, "queued"), n(c, "sending"),
                    n(c, "sent"), n(c, "delivered"), n(c, "undelivered"), n(c, "failed"), n(c, "unknown"), n(c, "expired"),
                    n(c, "canceled"), n(c, "suppressed"), n(c, "opened"), n(c, "clicked"), n(c, "replied"), n(c, "optedOut"));
        }
    }

    /**
     * One step's counters: {@code total} is its rows; {@code skipped} contacts for whom its condition did not
     * hold (or who had no address on its channel), {@code stopped} those who replied to a step that stops on a reply.
     */
    public record Step(int step, long total, long scheduled, long queued, long sending, long sent, long delivered,
                       long undelivered, long failed, long unknown, long expired, long canceled, long suppressed,
                       long opened, long clicked, long replied, long optedOut, long skipped, long stopped) {

        static Step of(int step, Map<String, Long> c) {
            return new Step(step, CampaignProgress.rows(c), n(c, "scheduled"), n(c, "queued"), n(c, "sending"),
                    n(c, "sent"), n(c, "delivered"), n(c, "undelivered"), n(c, "failed"), n(c, "unknown"), n(c, "expired"),
                    n(c, "canceled"), n(c, "suppressed"), n(c, "opened"), n(c, "clicked"), n(c, "replied"), n(c, "optedOut"),
                    n(c, "skipped"), n(c, "stopped"));
        }
    }

    private static long n(Map<String, Long> counters, String status) {
        return counters.getOrDefault(status, 0L);
    }
}

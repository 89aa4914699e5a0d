package dev.parley.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Rate limits shared by every node (SPEC §4), as a generic cell-rate algorithm: each scope
 * ({@code provider:prv_…}, {@code tenant:tnt_…}) keeps a theoretical arrival time (TAT). A node reserves
 * {@code k} consecutive send slots, spaced {@code 1/rate} apart from {@code max(TAT, now)}, and paces its
 * sends onto them; reservations never overlap, so the nodes together send at the rate and never burst.
 * Slots a node reserved but could not fill are given back when nobody reserved after them.
 */
final class RateLimits {
    private final Jdbi jdbi;

    RateLimits(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** {@code count} slots: slot i is at {@code startMicros + i × intervalMicros}. */
    record Reservation(String scope, long startMicros, long intervalMicros, int count) {
        long endMicros() {
            return startMicros + intervalMicros * count;
        }

        Instant slot(int i) {
            long us = startMicros + intervalMicros * i;
            return Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1000);
        }
    }

    /**
     * Reserves up to {@code wanted} slots that start within {@code horizon} of now; fewer when the scope is
     * booked further ahead. Empty when it is booked past the horizon.
     */
    Optional<Reservation> reserve(String scope, double ratePerSecond, int wanted, Instant now, Duration horizon) {
        long interval = Math.max(1, Math.round(1_000_000 / ratePerSecond));
        long nowUs = micros(now);
        long limitUs = nowUs + horizon.toNanos() / 1000;
        return jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO rate_bucket (scope, tat_us) VALUES (:s, 0) ON CONFLICT DO NOTHING").bind("s", scope).execute();
            long tat = h.createQuery("SELECT tat_us FROM rate_bucket WHERE scope = :s FOR UPDATE").bind("s", scope)
                    .mapTo(Long.class).one();
            long start = Math.max(tat, nowUs);
            if (start >= limitUs) {
                return Optional.<Reservation>empty();
            }
            int count = (int) Math.min(wanted, Math.max(1, (limitUs - start) / interval));
            h.createUpdate("UPDATE rate_bucket SET tat_us = :tat WHERE scope = :s")
                    .bind("tat", start + interval * count).bind("s", scope).execute();
            return Optional.of(new Reservation(scope, start, interval, count));
        });
    }

    /** Returns the last {@code unused} slots of {@code r}, if no later reservation was made after it. */
    void giveBack(Reservation r, int unused) {
        if (unused <= 0) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE rate_bucket SET tat_us = :back WHERE scope = :s AND tat_us = :end")
                .bind("back", r.endMicros() - r.intervalMicros() * unused).bind("s", r.scope()).bind("end", r.endMicros())
                .execute());
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }
}

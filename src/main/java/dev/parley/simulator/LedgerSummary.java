package dev.parley.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /ledger/summary} answers: the figures tests judge Parley by.
 *
 * @param accepted requests recorded (duplicates included)
 * @param distinctIds distinct message ids among them
 * @param duplicateIds the ids accepted more than once
 * @param firstAt the wall-clock arrival of the earliest accepted request, or null when empty
 * @param lastAt the wall-clock arrival of the latest, or null when empty
 * @param perSecond accepted divided by the seconds between first and last arrival (precise clock); when
 *                  they coincide, equal to accepted
 * @param maxInAnySlidingSecond the most arrivals in any half-open window [t, t + 1 s)
 * @param per10sWindow arrivals in each consecutive 10 s window [first + 10k s, first + 10(k+1) s)
 * @param answeredLate accepted requests answered only after {@code --timeout-ms}
 * @param refused requests answered with an error and not recorded, by reason
 */
public record LedgerSummary(long accepted, long distinctIds, Duplicates duplicateIds, Instant firstAt, Instant lastAt,
                            double perSecond, long maxInAnySlidingSecond, List<Long> per10sWindow, long answeredLate,
                            Map<String, Long> refused) {

    static final int DUPLICATES_LISTED = 100;
    static final long SECOND = 1_000_000_000L;
    static final long TEN_SECONDS = 10 * SECOND;

    /**
     * @param count how many distinct ids were accepted more than once
     * @param first up to 100 of them, in the order their second acceptance arrived
     */
    public record Duplicates(long count, List<String> first) {}

    static LedgerSummary of(List<LedgerEntry> entries, Map<String, Long> refused) {
        List<LedgerEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(LedgerEntry::receivedNanos));
        long[] times = new long[sorted.size()];
        Map<String, Integer> seen = new HashMap<>(Math.max(16, sorted.size() * 2));
        List<String> duplicates = new ArrayList<>();
        long duplicateCount = 0;
        long late = 0;
        for (int i = 0; i < sorted.size(); i++) {
            LedgerEntry entry = sorted.get(i);
            times[i] = entry.receivedNanos();
            if (entry.late()) {
                late++;
            }
            if (seen.merge(entry.id(), 1, Integer::sum) == 2) {
                duplicateCount++;
                if (duplicates.size() < DUPLICATES_LISTED) {
                    duplicates.add(entry.id());
                }
            }
        }
        Instant firstAt = sorted.isEmpty() ? null : sorted.getFirst().receivedAt();
        Instant lastAt = sorted.isEmpty() ? null : sorted.getLast().receivedAt();
        return new LedgerSummary(sorted.size(), seen.size(), new Duplicates(duplicateCount, List.copyOf(duplicates)),
                firstAt, lastAt, perSecond(times), maxInAnyWindow(times, SECOND), Arrays.stream(perWindow(times, TEN_SECONDS)).boxed().toList(),
                late, Collections.unmodifiableMap(new LinkedHashMap<>(refused)));
    }

    /**
     * The most times falling within any half-open window [t, t + width), over times sorted ascending.
     * Two pointers: for each time as the window's last member, drop from the front every time at least
     * {@code width} earlier.
     */
    static long maxInAnyWindow(long[] sortedTimes, long width) {
        long best = 0;
        int start = 0;
        for (int end = 0; end < sortedTimes.length; end++) {
            while (sortedTimes[end] - sortedTimes[start] >= width) {
                start++;
            }
            best = Math.max(best, end - start + 1);
        }
        return best;
    }

    /** Counts per consecutive window of {@code width} starting at the first time, over times sorted ascending. */
    static long[] perWindow(long[] sortedTimes, long width) {
        if (sortedTimes.length == 0) {
            return new long[0];
        }
        long first = sortedTimes[0];
        long[] counts = new long[(int) ((sortedTimes[sortedTimes.length - 1] - first) / width) + 1];
        for (long time : sortedTimes) {
            counts[(int) ((time - first) / width)]++;
        }
        return counts;
    }

    private static double perSecond(long[] sortedTimes) {
        if (sortedTimes.length == 0) {
            return 0;
        }
        long span = sortedTimes[sortedTimes.length - 1] - sortedTimes[0];
        if (span == 0) {
            return sortedTimes.length;
        }
        double rate = sortedTimes.length / (span / (double) SECOND);
        return Math.round(rate * 100) / 100.0;
    }
}

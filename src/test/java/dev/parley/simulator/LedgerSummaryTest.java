package dev.parley.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerSummaryTest {
    private static final long MS = 1_000_000L;
    private static final long START = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli() * MS;

    @Test
    void slidingWindowCountsTheBusiestHalfOpenSecond() {
        long[] times = {0, 100 * MS, 999 * MS, 1000 * MS, 1500 * MS, 1600 * MS, 1999 * MS, 3000 * MS};
        // [999, 1999) holds 999, 1000, 1500, 1600; [1000, 2000) holds 1000, 1500, 1600, 1999.
        assertThat(LedgerSummary.maxInAnyWindow(times, 1000 * MS)).isEqualTo(4);
    }

    @Test
    void timesExactlyOneWindowApartAreNotInTheSameWindow() {
        assertThat(LedgerSummary.maxInAnyWindow(new long[] {0, 1000 * MS, 2000 * MS}, 1000 * MS)).isEqualTo(1);
        assertThat(LedgerSummary.maxInAnyWindow(new long[] {0, 999_999_999L, 1000 * MS}, 1000 * MS)).isEqualTo(2);
    }

    @Test
    void slidingWindowFindsABurstThatStraddlesTwoFixedSeconds() {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            times.add(900 * MS + i);
            times.add(1100 * MS + i);
        }
        times.add(5000 * MS);
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        assertThat(LedgerSummary.maxInAnyWindow(sorted, 1000 * MS)).isEqualTo(20);
    }

    @Test
    void windowOfEmptyOrSingleLedger() {
        assertThat(LedgerSummary.maxInAnyWindow(new long[0], 1000 * MS)).isZero();
        assertThat(LedgerSummary.maxInAnyWindow(new long[] {42}, 1000 * MS)).isEqualTo(1);
    }

    @Test
    void summaryCountsDuplicatesWindowsAndRateFromArrivalTimes() {
        List<LedgerEntry> entries = List.of(
                entry("c", 25_000), // recorded out of order: the summary sorts by arrival
                entry("a", 0),
                entry("b", 400),
                entry("a", 9_999),
                entry("b", 10_000),
                entry("a", 10_500),
                entry("d", 25_000));
        LedgerSummary summary = LedgerSummary.of(entries, Map.of("failed", 3L));

        assertThat(summary.accepted()).isEqualTo(7);
        assertThat(summary.distinctIds()).isEqualTo(4);
        assertThat(summary.duplicateIds().count()).isEqualTo(2);
        assertThat(summary.duplicateIds().first()).containsExactly("a", "b");
        assertThat(summary.firstAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(summary.lastAt()).isEqualTo(Instant.parse("2026-03-01T10:00:25Z"));
        assertThat(summary.perSecond()).isEqualTo(0.28);
        assertThat(summary.maxInAnySlidingSecond()).isEqualTo(3);
        assertThat(summary.per10sWindow()).containsExactly(3L, 2L, 2L);
        assertThat(summary.refused()).containsEntry("failed", 3L);
    }

    @Test
    void onlyTheFirstHundredDuplicatesAreListedButAllAreCounted() {
        List<LedgerEntry> entries = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            entries.add(entry("m" + i, i));
            entries.add(entry("m" + i, 1000 + i));
        }
        LedgerSummary summary = LedgerSummary.of(entries, Map.of());
        assertThat(summary.duplicateIds().count()).isEqualTo(150);
        assertThat(summary.duplicateIds().first()).hasSize(100).startsWith("m0", "m1").endsWith("m99");
    }

    @Test
    void emptyLedgerSummarisesToZeros() {
        LedgerSummary summary = LedgerSummary.of(List.of(), Map.of());
        assertThat(summary.accepted()).isZero();
        assertThat(summary.firstAt()).isNull();
        assertThat(summary.perSecond()).isZero();
        assertThat(summary.maxInAnySlidingSecond()).isZero();
        assertThat(summary.per10sWindow()).isEmpty();
    }

    private static LedgerEntry entry(String id, long atMillis) {
        long nanos = START + atMillis * MS;
        return new LedgerEntry(id, "sms", "+447700900000", "sim-" + id, nanos, nanos / MS, false);
    }
}

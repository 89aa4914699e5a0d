package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void idsCarryTheirPrefixAndAreRecognised() {
        String id = Ids.next("usr");
        assertThat(id).startsWith("usr_").hasSize(4 + 26);
        assertThat(Ids.looksLike("usr", id)).isTrue();
        assertThat(Ids.looksLike("key", id)).isFalse();
        assertThat(Ids.looksLike("usr", "usr_")).isFalse();
        assertThat(Ids.looksLike("usr", id.substring(0, id.length() - 1) + "I")).isFalse();
        assertThat(Ids.looksLike("usr", id.toLowerCase())).isFalse();
        assertThat(Ids.looksLike("usr", null)).isFalse();
    }

    @Test
    void idsSortByCreationTime() {
        String earlier = Ids.next("msg", Clock.fixed(Instant.parse("2026-01-01T00:00:00.000Z"), ZoneOffset.UTC));
        String later = Ids.next("msg", Clock.fixed(Instant.parse("2026-01-01T00:00:00.001Z"), ZoneOffset.UTC));
        String muchLater = Ids.next("msg", Clock.fixed(Instant.parse("2090-06-01T00:00:00Z"), ZoneOffset.UTC));
        assertThat(earlier).isLessThan(later);
        assertThat(later).isLessThan(muchLater);
    }

    @Test
    void idsMadeInTheSameMillisecondDiffer() {
        Clock fixed = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Ids.next("ctc", fixed));
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void idsMadeInOneMillisecondSortInTheOrderTheyWereMade() {
        java.time.Clock frozen = java.time.Clock.fixed(java.time.Instant.parse("2026-11-21T10:00:00Z"), java.time.ZoneOffset.UTC);
        java.util.List<String> made = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            made.add(Ids.next("tst", frozen));
        }
        java.util.List<String> sorted = new java.util.ArrayList<>(made);
        java.util.Collections.sort(sorted);
        org.assertj.core.api.Assertions.assertThat(sorted).isEqualTo(made);
        org.assertj.core.api.Assertions.assertThat(new java.util.HashSet<>(made)).hasSize(1000);
    }
}

package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InFlightTest {
    /**
     * An import's router remembers which chunk in flight last named each address: addresses of committed chunks read
     * as absent and are dropped when the table fills, so its size follows the chunks in flight, not the file.
     */
    @Test
    void addressesOfCommittedChunksAreForgottenAndTheTableStaysSmall() {
        AtomicLong committedUpTo = new AtomicLong(-1);
        ImportRun.InFlight inFlight = new ImportRun.InFlight(tag -> tag > committedUpTo.get());
        int perChunk = 1_000;
        int maxSize = 0;
        for (long chunk = 0; chunk < 500; chunk++) {
            for (int i = 0; i < perChunk; i++) {
                inFlight.put(key(chunk * perChunk + i), chunk);
            }
            // A row naming an address of a chunk still in flight follows it; a later chunk naming it takes it over.
            assertThat(inFlight.get(key(chunk * perChunk + 7))).isEqualTo(chunk);
            if (chunk >= 2) {
                committedUpTo.set(chunk - 2);
                assertThat(inFlight.get(key((chunk - 2) * perChunk + 5))).as("committed").isEqualTo(-1);
                assertThat(inFlight.get(key((chunk - 1) * perChunk + 5))).as("in flight").isEqualTo(chunk - 1);
            }
            maxSize = Math.max(maxSize, inFlight.size());
        }
        inFlight.put(key(3), 499);
        assertThat(inFlight.get(key(3))).isEqualTo(499);
        assertThat(inFlight.get(key(499_999_999))).as("never named").isEqualTo(-1);
        assertThat(maxSize).as("entries held at most, for 500,000 addresses").isLessThan(20 * perChunk);
    }

    private static long key(long n) {
        return AddressFilter.key("+44" + n);
    }
}

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

    /**
     * A row's phone and email are probed once each: the phone's chunk wins over the email's, and both are then named by
     * the chunk the row goes to, also when the two keys share a home slot and the phone takes the email's empty one.
     */
    @Test
    void aRowFollowsItsPhoneThenItsEmailAndNamesBoth() {
        AtomicLong committedUpTo = new AtomicLong(-1);
        ImportRun.InFlight inFlight = new ImportRun.InFlight(tag -> tag > committedUpTo.get());
        long phone = (5L << 32) | 1;
        long email = (5L << 32) | 2;
        assertThat(inFlight.lookUp(phone, email)).isEqualTo(-1);
        inFlight.name(3);
        assertThat(inFlight.get(phone)).isEqualTo(3);
        assertThat(inFlight.get(email)).isEqualTo(3);
        assertThat(inFlight.size()).isEqualTo(2);

        long otherEmail = key(42);
        inFlight.put(otherEmail, 8);
        assertThat(inFlight.lookUp(phone, otherEmail)).as("the phone's chunk first").isEqualTo(3);
        inFlight.name(9);
        assertThat(inFlight.get(otherEmail)).isEqualTo(9);
        assertThat(inFlight.lookUp(0, email)).as("no phone: the email's chunk").isEqualTo(3);
        inFlight.name(11);
        assertThat(inFlight.get(email)).isEqualTo(11);
        assertThat(inFlight.get(phone)).isEqualTo(9);

        committedUpTo.set(9);
        assertThat(inFlight.lookUp(phone, email)).as("the phone's chunk committed: the email's").isEqualTo(11);
        committedUpTo.set(11);
        assertThat(inFlight.lookUp(phone, email)).isEqualTo(-1);
        assertThat(inFlight.size()).isEqualTo(3);
    }

    private static long key(long n) {
        return AddressFilter.key("+44" + n);
    }
}

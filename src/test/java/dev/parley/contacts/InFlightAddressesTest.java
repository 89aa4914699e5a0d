package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InFlightAddressesTest {
    /**
     * Random puts and conditional removes agree with a HashMap at every step. Keys come in threes
     * that share their high bits (their home slot), so probe runs are long and removals shift keys back across them.
     */
    @Test
    void agreesWithAHashMapThroughPutsRemovesAndGrowth() {
        Random random = new Random(11);
        InFlightAddresses map = new InFlightAddresses();
        Map<Long, Long> expected = new HashMap<>();
        List<Long> universe = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long high = random.nextInt() & 0xffffffffL;
            for (int j = 0; j < 3; j++) { // three keys share each home slot
                universe.add((high << 32) | (random.nextInt() & 0xffffffffL) | 1);
            }
        }
        for (int step = 0; step < 600_000; step++) {
            long key = universe.get(random.nextInt(universe.size()));
            long tag = random.nextInt(4);
            if (random.nextInt(3) < 2) {
                map.put(key, tag);
                expected.put(key, tag);
            } else {
                map.remove(key, tag);
                expected.remove(key, tag);
            }
            if (step % 1_000 == 0) {
                for (long k : universe.subList(0, 2_000)) {
                    assertThat(map.tagOf(k)).as("key %d at step %d", k, step).isEqualTo(expected.getOrDefault(k, -1L));
                }
            }
        }
        for (long k : universe) {
            assertThat(map.tagOf(k)).isEqualTo(expected.getOrDefault(k, -1L));
        }
        assertThat(map.size()).isEqualTo(expected.size());
        for (Map.Entry<Long, Long> e : expected.entrySet()) {
            map.remove(e.getKey(), e.getValue());
        }
        assertThat(map.size()).isZero();
        assertThat(universe).allSatisfy(k -> assertThat(map.tagOf(k)).isEqualTo(-1L));
    }
}

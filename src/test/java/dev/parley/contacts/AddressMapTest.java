package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AddressMapTest {
    private record Entry(long key, String address) {}

    /**
     * Random puts and removes agree with a HashMap at every step. Keys come in threes that share their high bits (their
     * home slot), so probe runs are long and removals shift entries back across them; and pairs of different addresses
     * share one key, which the map must keep apart.
     */
    @Test
    void agreesWithAHashMapThroughPutsRemovesCollisionsAndGrowth() {
        Random random = new Random(11);
        AddressMap<Integer> map = new AddressMap<>();
        Map<Entry, Integer> expected = new HashMap<>();
        List<Entry> universe = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long high = random.nextInt() & 0xffffffffL;
            for (int j = 0; j < 3; j++) {
                long key = (high << 32) | (random.nextInt() & 0xffffffffL) | 1;
                universe.add(new Entry(key, "+44" + i + "-" + j));
                if (j == 0) {
                    universe.add(new Entry(key, "twin" + i + "@example.com"));
                }
            }
        }
        for (int step = 0; step < 600_000; step++) {
            Entry e = universe.get(random.nextInt(universe.size()));
            int value = random.nextInt(4);
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    map.put(e.key(), e.address(), value);
                    expected.put(e, value);
                }
                case 2 -> {
                    map.remove(e.key(), e.address(), value);
                    expected.remove(e, value);
                }
                default -> {
                    map.remove(e.key(), e.address(), null);
                    expected.remove(e);
                }
            }
            if (step % 1_000 == 0) {
                for (Entry k : universe.subList(0, 2_000)) {
                    assertThat(map.get(k.key(), k.address())).as("%s at step %d", k, step).isEqualTo(expected.get(k));
                }
            }
        }
        for (Entry k : universe) {
            assertThat(map.get(k.key(), k.address())).as("%s", k).isEqualTo(expected.get(k));
        }
        assertThat(map.size()).isEqualTo(expected.size());
        for (Entry k : List.copyOf(expected.keySet())) {
            map.remove(k.key(), k.address(), null);
        }
        assertThat(map.size()).isZero();
        assertThat(universe).allSatisfy(k -> assertThat(map.get(k.key(), k.address())).isNull());
    }
}

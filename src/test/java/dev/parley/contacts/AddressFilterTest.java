package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AddressFilterTest {
    /** Every address added is held (the import's exactness rests on this); others mostly are not (its speed does). */
    @Test
    void holdsEveryAddressAddedAndFewOthers() {
        Random random = new Random(5);
        AddressFilter filter = new AddressFilter(400_000);
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            added.add(i % 2 == 0 ? String.format("+4479%08d", random.nextInt(100_000_000)) : "person" + random.nextInt() + "@example.com");
        }
        long[] keys = added.stream().mapToLong(AddressFilter::key).toArray();
        assertThat(filter.mayHoldThenAdd(added, keys)).as("held before they were added").hasSizeLessThan(200);
        filter.add(null);
        for (String a : added) {
            assertThat(filter.mightHold(a)).as(a).isTrue();
        }
        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) {
            if (filter.mightHold("other" + i + "@example.org")) {
                falsePositives++;
            }
        }
        assertThat(falsePositives).as("false positives in 100,000").isLessThan(2_000);
        assertThat(filter.mayHoldThenAdd(added.subList(0, 1_000), Arrays.copyOf(keys, 1_000))).isEqualTo(added.subList(0, 1_000));
    }
}

package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContactMergeTest {
    /** New contacts are sorted by a number standing for the phone: it must order phones exactly as the index does. */
    @Test
    void phoneOrderSortsE164NumbersAsTheirStringsSort() {
        Random random = new Random(7);
        List<String> phones = new ArrayList<>(List.of("+1", "+10", "+19", "+2", "+999999999999999", "+100000000000000"));
        for (int i = 0; i < 20_000; i++) {
            StringBuilder p = new StringBuilder("+");
            int digits = 1 + random.nextInt(15);
            for (int d = 0; d < digits; d++) {
                p.append((char) ('0' + random.nextInt(10)));
            }
            phones.add(p.toString());
        }
        List<String> byString = phones.stream().sorted().toList();
        List<String> byOrder = phones.stream().sorted(Comparator.comparingLong(ContactMerge::phoneOrder)).toList();
        assertThat(byOrder).isEqualTo(byString);
        assertThat(ContactMerge.phoneOrder("+999999999999999")).isLessThan(ContactMerge.phoneOrder("not a phone"));
        assertThat(ContactMerge.phoneOrder("not a phone")).isLessThan(ContactMerge.phoneOrder(null));
    }
}

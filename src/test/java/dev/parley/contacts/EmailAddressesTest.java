package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmailAddressesTest {
    @Test
    void addressesAreTrimmedUnwrappedAndLowercased() {
        assertThat(EmailAddresses.normalise("  Ann.Lee@Example.COM ").value()).isEqualTo("ann.lee@example.com");
        assertThat(EmailAddresses.normalise("<bo@mail.example.org>").value()).isEqualTo("bo@mail.example.org");
        assertThat(EmailAddresses.normalise("a+tag@x-y.co.uk").value()).isEqualTo("a+tag@x-y.co.uk");
        assertThat(EmailAddresses.normalise("a@" + "d".repeat(63) + ".com").isOk()).isTrue();
    }

    @Test
    void malformedAddressesAreRefusedWithTheirText() {
        for (String bad : List.of("plain", "@example.com", "ann@", "ann@@example.com", "ann@example", ".ann@example.com",
                "ann.@example.com", "a..b@example.com", "ann@example..com", "ann@.example.com", "ann@example.com.",
                "ann@-example.com", "ann@example-.com", "ann@exa_mple.com", "an n@example.com", "ann@example.com;bo@example.com",
                "ann@" + "d".repeat(64) + ".com", "a".repeat(65) + "@example.com")) {
            Checked c = EmailAddresses.normalise(bad);
            assertThat(c.isOk()).as(bad).isFalse();
            assertThat(c.problem()).as(bad).contains("not a valid address");
        }
        assertThat(EmailAddresses.normalise(" ").problem()).isEqualTo("email is empty");
    }
}

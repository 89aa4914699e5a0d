package dev.parley.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskingTest {
    @Test
    void phoneNumbersKeepCountryCodeAndLastTwoDigits() {
        assertThat(Masking.phone("+447700900123")).isEqualTo("+44********23");
        assertThat(Masking.phone("+2348031234589")).isEqualTo("+23*********89");
        assertThat(Masking.phone("+1234")).isEqualTo("*****");
        assertThat(Masking.phone("+441234")).isEqualTo("*******");
        assertThat(Masking.phone(null)).isNull();
    }

    @Test
    void emailsKeepTheFirstLetterAndTheDomain() {
        assertThat(Masking.email("jane.doe@example.com")).isEqualTo("j***@example.com");
        assertThat(Masking.email("x@y.io")).isEqualTo("x***@y.io");
        assertThat(Masking.email("nonsense")).isEqualTo("***");
    }
}

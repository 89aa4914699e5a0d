package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HttpAnswersTest {
    private final HttpAnswers answers =
            new HttpAnswers(Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void retryAfterIsReadInSecondsOrAsAnHttpDate() {
        assertThat(answers.retryAfter("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(answers.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(answers.retryAfter("Sun, 01 Mar 2026 12:01:30 GMT")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aRetryAfterDateInThePastMeansNow() {
        assertThat(answers.retryAfter("Sun, 01 Mar 2026 11:00:00 GMT")).isEqualTo(Duration.ZERO);
    }

    @Test
    void anUnreadableRetryAfterIsIgnored() {
        assertThat(answers.retryAfter(null)).isNull();
        assertThat(answers.retryAfter("soon")).isNull();
        assertThat(answers.retryAfter("-5")).isNull();
        assertThat(answers.retryAfter("1.5")).isNull();
    }
}

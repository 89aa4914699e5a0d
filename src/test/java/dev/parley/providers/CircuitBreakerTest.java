package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.parley.core.Json;
import dev.parley.providers.CircuitBreaker.State;
import dev.parley.providers.SendResult.ErrorClass;
import dev.parley.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private static final SendResult OK = new SendResult.Accepted("p-1");
    private static final SendResult TRANSIENT = new SendResult.Rejected(ErrorClass.TRANSIENT, "http-503", "busy", null);
    private static final SendResult PROVIDER = new SendResult.Rejected(ErrorClass.PROVIDER, "http-401", "bad key", null);
    private static final SendResult PERMANENT = new SendResult.Rejected(ErrorClass.PERMANENT, "http-400", "bad number", null);
    private static final SendResult AMBIGUOUS = new SendResult.Ambiguous("no answer within 10000 ms");

    private final MovableClock clock = new MovableClock();
    private final CircuitBreaker breaker = new CircuitBreaker(clock);

    private void record(SendResult result, int times) {
        for (int i = 0; i < times; i++) {
            breaker.record(result);
        }
    }

    @Test
    void opensWhenHalfOfTwentySendsFail() {
        record(OK, 10);
        record(TRANSIENT, 9);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        breaker.record(AMBIGUOUS);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.allow()).isFalse();
    }

    @Test
    void aHighFailureRateOverTooFewSendsDoesNotOpen() {
        record(TRANSIENT, 19);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        record(TRANSIENT, 15);
        clock.advance(Duration.ofSeconds(31));
        record(OK, 10);
        record(TRANSIENT, 9);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.snapshot()).containsEntry("sends", 19);
    }

    @Test
    void permanentRejectionsAreNotTheProvidersFault() {
        record(PERMANENT, 40);
        record(TRANSIENT, 19);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void opensOnFiveProviderErrorsInARow() {
        record(PROVIDER, 4);
        breaker.record(OK);
        record(PROVIDER, 4);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        breaker.record(PROVIDER);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void afterThirtySecondsExactlyOneProbeIsAllowed() {
        record(PROVIDER, 5);
        clock.advance(Duration.ofSeconds(20));
        assertThat(breaker.allow()).isFalse();

        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.allow()).isFalse();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void aSuccessfulProbeClosesTheCircuitWithAFreshWindow() {
        record(TRANSIENT, 20);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.allow()).isTrue();

        breaker.record(OK);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.snapshot()).containsEntry("failures", 0);
    }

    @Test
    void aFailedProbeReopensForAnotherThirtySeconds() {
        record(PROVIDER, 5);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.allow()).isTrue();

        breaker.record(PROVIDER);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(20));
        assertThat(breaker.allow()).isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void aProbeWhoseResultNeverCameBackIsReplaced() {
        record(PROVIDER, 5);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.allow()).isTrue();

        clock.advance(Duration.ofSeconds(30));

        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.allow()).isFalse();
    }

    @Test
    void theSnapshotShowsRatesAndTheLastErrorsWithReasons() {
        record(OK, 30);
        record(TRANSIENT, 8);
        record(PROVIDER, 2);
        record(PERMANENT, 12);

        Map<String, Object> snapshot = breaker.snapshot();

        assertThat(snapshot).containsEntry("state", "closed").containsEntry("sends", 52).containsEntry("failures", 10)
                .containsEntry("consecutiveProviderErrors", 0);
        assertThat((double) snapshot.get("failureRate")).isCloseTo(10 / 52.0, within(1e-9));
        List<CircuitBreaker.RecentError> lastErrors = errors(snapshot);
        assertThat(lastErrors).hasSize(CircuitBreaker.KEPT_ERRORS);
        assertThat(lastErrors.getLast().errorClass()).isEqualTo("permanent");
        assertThat(lastErrors.getLast().reason()).isEqualTo("bad number");
        assertThat(Json.write(snapshot)).contains("\"lastErrors\":[{\"at\":");
    }

    @Test
    void theSnapshotOfAnOpenCircuitSaysSinceWhen() {
        record(PROVIDER, 5);
        Map<String, Object> open = breaker.snapshot();
        assertThat(open).containsEntry("state", "open").containsEntry("consecutiveProviderErrors", 5);
        assertThat(errors(open)).extracting(CircuitBreaker.RecentError::code).containsOnly("http-401");

        clock.advance(Duration.ofSeconds(30));
        Map<String, Object> halfOpen = breaker.snapshot();
        assertThat(halfOpen).containsEntry("state", "halfOpen")
                .containsEntry("since", ((Instant) open.get("since")).plus(CircuitBreaker.OPEN_FOR));
    }

    @SuppressWarnings("unchecked")
    private static List<CircuitBreaker.RecentError> errors(Map<String, Object> snapshot) {
        return (List<CircuitBreaker.RecentError>) snapshot.get("lastErrors");
    }
}

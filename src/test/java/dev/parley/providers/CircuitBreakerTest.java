package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.providers.CircuitBreaker.State;
import dev.parley.providers.SendResult.ErrorClass;
import dev.parley.testing.MovableClock;
import java.time.Duration;
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
        assertThat(breaker.snapshot().sends()).isEqualTo(19);
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
        assertThat(breaker.snapshot().failures()).isZero();
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

        CircuitBreaker.Snapshot snapshot = breaker.snapshot();

        assertThat(snapshot.state()).isEqualTo(State.CLOSED);
        assertThat(snapshot.sends()).isEqualTo(52);
        assertThat(snapshot.failures()).isEqualTo(10);
        assertThat(snapshot.failureRate()).isCloseTo(10 / 52.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(snapshot.lastErrors()).hasSize(CircuitBreaker.KEPT_ERRORS);
        assertThat(snapshot.lastErrors().getLast().errorClass()).isEqualTo("permanent");
        assertThat(snapshot.lastErrors().getLast().reason()).isEqualTo("bad number");
        assertThat(snapshot.consecutiveProviderErrors()).isZero();
    }

    @Test
    void theSnapshotOfAnOpenCircuitSaysSinceWhen() {
        record(PROVIDER, 5);
        CircuitBreaker.Snapshot open = breaker.snapshot();
        assertThat(open.state()).isEqualTo(State.OPEN);
        assertThat(open.consecutiveProviderErrors()).isEqualTo(5);
        assertThat(open.lastErrors()).extracting(CircuitBreaker.RecentError::code).containsOnly("http-401");

        clock.advance(Duration.ofSeconds(30));
        CircuitBreaker.Snapshot halfOpen = breaker.snapshot();
        assertThat(halfOpen.state()).isEqualTo(State.HALF_OPEN);
        assertThat(halfOpen.since()).isEqualTo(open.since().plus(CircuitBreaker.OPEN_FOR));
        assertThat(State.HALF_OPEN.wire()).isEqualTo("halfOpen");
    }
}

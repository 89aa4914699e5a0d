package dev.parley.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.providers.Backoff;
import dev.parley.providers.SendResult;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Every provider outcome, at each guarantee and attempt, maps to the state SPEC §4 says. */
class OutcomesTest {
    private final Instant now = Instant.parse("2026-11-21T10:00:00Z");
    private final Backoff backoff = new Backoff(RandomGenerator.of("L64X128MixRandom"));

    private static Claimed claimed(Guarantee g, int attempt) {
        return new Claimed("msg_1", "tnt_1", null, "sms", "+447700900123", null, null, "hi", null, attempt, 6, g,
                "prv_1", Instant.EPOCH, null, null, null, false);
    }

    @Test
    void acceptedIsSentWithTheProvidersId() {
        Settlement s = Outcomes.decide(claimed(Guarantee.AT_MOST_ONCE, 1), new SendResult.Accepted("p-1"), now, backoff);
        assertThat(s.to()).isEqualTo(MessageStatus.SENT);
        assertThat(s.providerMessageId()).isEqualTo("p-1");
        assertThat(s.attemptDelta()).isZero();
    }

    @Test
    void permanentRejectionFails() {
        Settlement s = Outcomes.decide(claimed(Guarantee.AT_LEAST_ONCE, 1),
                new SendResult.Rejected(SendResult.ErrorClass.PERMANENT, "http-400", "bad number", null), now, backoff);
        assertThat(s.to()).isEqualTo(MessageStatus.FAILED);
    }

    @Test
    void transientAndProviderRejectionsBackOffUntilTheLastAttempt() {
        for (SendResult.ErrorClass c : new SendResult.ErrorClass[] {SendResult.ErrorClass.TRANSIENT, SendResult.ErrorClass.PROVIDER}) {
            Settlement retry = Outcomes.decide(claimed(Guarantee.AT_MOST_ONCE, 2),
                    new SendResult.Rejected(c, "x", "busy", null), now, backoff);
            assertThat(retry.to()).isEqualTo(MessageStatus.SCHEDULED);
            assertThat(Duration.between(now, retry.dueAt())).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(15));
            Settlement last = Outcomes.decide(claimed(Guarantee.AT_MOST_ONCE, 6),
                    new SendResult.Rejected(c, "x", "busy", null), now, backoff);
            assertThat(last.to()).isEqualTo(MessageStatus.FAILED);
        }
    }

    @Test
    void aProvidersRetryAfterWinsWhenLonger() {
        Settlement s = Outcomes.decide(claimed(Guarantee.AT_MOST_ONCE, 1),
                new SendResult.Rejected(SendResult.ErrorClass.TRANSIENT, "http-429", "slow down", Duration.ofMinutes(3)), now, backoff);
        assertThat(s.dueAt()).isEqualTo(now.plus(Duration.ofMinutes(3)));
    }

    @Test
    void ambiguousFollowsTheGuarantee() {
        SendResult timeout = new SendResult.Ambiguous("timeout");
        assertThat(Outcomes.decide(claimed(Guarantee.AT_MOST_ONCE, 1), timeout, now, backoff).to()).isEqualTo(MessageStatus.UNKNOWN);
        assertThat(Outcomes.decide(claimed(Guarantee.AT_LEAST_ONCE, 1), timeout, now, backoff).to()).isEqualTo(MessageStatus.QUEUED);
        assertThat(Outcomes.decide(claimed(Guarantee.AT_LEAST_ONCE, 6), timeout, now, backoff).to()).isEqualTo(MessageStatus.FAILED);
    }

    @Test
    void rowsNeverStartedGoBackWithoutCountingTheAttempt() {
        Settlement released = Outcomes.released(claimed(Guarantee.AT_MOST_ONCE, 3), "stopping");
        assertThat(released.to()).isEqualTo(MessageStatus.QUEUED);
        assertThat(released.attemptDelta()).isEqualTo(-1);
        Settlement expired = Outcomes.expired(claimed(Guarantee.AT_MOST_ONCE, 1));
        assertThat(expired.to()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(expired.attemptDelta()).isEqualTo(-1);
    }
}

package dev.parley.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.Failure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FatesTest {
    @Test
    void theSameSeedDrawsTheSameFates() {
        SimulatorOptions options = SimulatorOptions.defaults().withLatency(10, 50).withFailures(0.2, 0.1, 500).withSeed(7);
        assertThat(draw(new Fates(options), 200)).isEqualTo(draw(new Fates(options), 200));
        assertThat(draw(new Fates(options), 200)).isNotEqualTo(draw(new Fates(options.withSeed(8)), 200));
    }

    @Test
    void ratesAreFractionsOfAllRequests() {
        List<Fates.Fate> fates = draw(new Fates(SimulatorOptions.defaults().withFailures(0.3, 0.2, 500)), 20_000);
        assertThat(fates.stream().filter(f -> f.outcome() == Fates.Outcome.FAIL).count()).isBetween(5_600L, 6_400L);
        assertThat(fates.stream().filter(f -> f.outcome() == Fates.Outcome.LATE).count()).isBetween(3_600L, 4_400L);
    }

    @Test
    void delaysAreLatencyPlusJitterAndTimeoutsWaitTheTimeout() {
        List<Fates.Fate> fates = draw(new Fates(SimulatorOptions.defaults().withLatency(100, 20).withFailures(0.1, 0.1, 700)), 5_000);
        assertThat(fates).allSatisfy(f -> {
            if (f.outcome() == Fates.Outcome.LATE) {
                assertThat(f.delayMillis()).isEqualTo(700);
            } else {
                assertThat(f.delayMillis()).isBetween(100L, 120L);
            }
        });
        assertThat(fates).anyMatch(f -> f.delayMillis() == 100).anyMatch(f -> f.delayMillis() == 120);
    }

    @Test
    void defaultsAnswerEveryRequestAtOnce() {
        assertThat(draw(new Fates(SimulatorOptions.defaults()), 1_000))
                .allMatch(f -> f.outcome() == Fates.Outcome.ACCEPT && f.delayMillis() == 0);
    }

    @Test
    void impossibleOptionsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> SimulatorOptions.defaults().withFailures(1.5, 0, 0))
                .isInstanceOf(Failure.Invalid.class).hasMessageContaining("--fail-rate");
        assertThatThrownBy(() -> SimulatorOptions.defaults().withFailures(0.6, 0.6, 0))
                .isInstanceOf(Failure.Invalid.class).hasMessageContaining("--timeout-rate");
        assertThatThrownBy(() -> SimulatorOptions.defaults().withRateLimit(-1))
                .isInstanceOf(Failure.Invalid.class).hasMessageContaining("--rate-limit");
        assertThatThrownBy(() -> SimulatorOptions.defaults().withLatency(-5, 0))
                .isInstanceOf(Failure.Invalid.class).hasMessageContaining("--latency-ms");
    }

    private static List<Fates.Fate> draw(Fates fates, int n) {
        List<Fates.Fate> drawn = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            drawn.add(fates.next());
        }
        return drawn;
    }
}

package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.parley.providers.SendResult.Accepted;
import dev.parley.providers.SendResult.Ambiguous;
import dev.parley.providers.SendResult.ErrorClass;
import dev.parley.providers.SendResult.Rejected;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SimulatorProviderTest {
    private static Provider simulator(Map<String, Object> config) {
        return ProviderTypes.create("prv_sim", "simulator", config);
    }

    private static SendRequest message(int n) {
        return new SendRequest("msg_" + n, "tnt_1", "sms", "+447700900123", null, null, "hi", null, 1, Map.of());
    }

    private static Map<String, Long> outcomes(Provider provider, int count) throws InterruptedException {
        List<SendResult> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            results.add(provider.send(message(i)));
        }
        return results.stream().collect(Collectors.groupingBy(SimulatorProviderTest::kind, Collectors.counting()));
    }

    private static String kind(SendResult result) {
        return switch (result) {
            case Accepted a -> "accepted";
            case Rejected r -> r.errorClass().name();
            case Ambiguous a -> "ambiguous";
        };
    }

    @Test
    void acceptsEverythingByDefaultUnderItsOwnId() throws Exception {
        assertThat(simulator(Map.of()).send(message(7))).isEqualTo(new Accepted("sim-msg_7"));
    }

    @Test
    void outcomesFollowTheConfiguredRates() throws Exception {
        Map<String, Long> counts = outcomes(simulator(
                Map.of("failRate", 0.2, "timeoutRate", 0.05, "permanentFailRate", 0.1)), 10_000);

        assertThat(counts.get("TRANSIENT")).isCloseTo(2_000L, within(200L));
        assertThat(counts.get("ambiguous")).isCloseTo(500L, within(100L));
        assertThat(counts.get("PERMANENT")).isCloseTo(1_000L, within(150L));
        assertThat(counts.get("accepted")).isCloseTo(6_500L, within(250L));
    }

    @Test
    void theSameSeedGivesTheSameAnswersWhateverTheThreadOrder() throws Exception {
        Map<String, Object> config = Map.of("failRate", 0.3, "timeoutRate", 0.1, "seed", 42);
        List<String> inOrder = new ArrayList<>();
        Provider first = simulator(config);
        for (int i = 0; i < 2_000; i++) {
            inOrder.add(kind(first.send(message(i))));
        }

        Provider second = simulator(config);
        List<Future<SendResult>> backwards;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            backwards = IntStream.iterate(1_999, i -> i >= 0, i -> i - 1)
                    .mapToObj(i -> threads.submit(() -> second.send(message(i)))).toList();
        }
        List<String> concurrent = backwards.reversed().stream().map(Future::resultNow).map(SimulatorProviderTest::kind).toList();
        assertThat(concurrent).isEqualTo(inOrder);
    }

    @Test
    void anotherSeedGivesOtherAnswers() throws Exception {
        Function<Integer, List<String>> run = seed -> IntStream.range(0, 200).mapToObj(i -> {
            try {
                return kind(simulator(Map.of("failRate", 0.5, "seed", seed)).send(message(i)));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertThat(run.apply(1)).isNotEqualTo(run.apply(2));
    }

    @Test
    void aRetriedMessageDrawsAgain() throws Exception {
        Provider provider = simulator(Map.of("failRate", 0.5));
        long failedTwice = IntStream.range(0, 1_000).filter(i -> {
            try {
                SendRequest first = message(i);
                SendRequest retry = new SendRequest(first.messageId(), first.tenantId(), first.channel(), first.to(),
                        null, null, "hi", null, 2, Map.of());
                return provider.send(first) instanceof Rejected && provider.send(retry) instanceof Rejected;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }).count();
        assertThat(failedTwice).isCloseTo(250L, within(60L));
    }

    @Test
    void manyConcurrentSendsWithLatencyAllComplete() throws Exception {
        Provider provider = simulator(Map.of("latencyMs", 100, "jitterMs", 20));
        List<Future<SendResult>> futures;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            futures = IntStream.range(0, 5_000).mapToObj(i -> threads.submit(() -> provider.send(message(i)))).toList();
        }
        assertThat(futures).allSatisfy(f -> assertThat(f.resultNow()).isInstanceOf(Accepted.class));
    }

    @Test
    void manySendsWithoutLatencyFromManyThreadsAllComplete() throws Exception {
        Provider provider = simulator(Map.of("failRate", 0.01));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> workers = IntStream.range(0, 8).mapToObj(w -> threads.submit(() -> {
                long accepted = 0;
                for (int i = 0; i < 50_000; i++) {
                    accepted += provider.send(message(w * 50_000 + i)) instanceof Accepted ? 1 : 0;
                }
                return accepted;
            })).toList();
            long accepted = 0;
            for (Future<Long> w : workers) {
                accepted += w.get();
            }
            assertThat(accepted).isCloseTo(396_000L, within(1_000L));
        }
    }

    @Test
    void permanentRejectionsAreTheRecipientsFault() throws Exception {
        SendResult result = simulator(Map.of("permanentFailRate", 1.0)).send(message(1));
        assertThat(result).isEqualTo(new Rejected(ErrorClass.PERMANENT, "simulated", "simulated permanent failure", null));
        assertThat(simulator(Map.of("timeoutRate", 1.0)).send(message(1))).isEqualTo(new Ambiguous("simulated timeout"));
        assertThat(simulator(Map.of("failRate", 1)).send(message(1)))
                .isEqualTo(new Rejected(ErrorClass.TRANSIENT, "simulated", "simulated transient failure", null));
    }
}

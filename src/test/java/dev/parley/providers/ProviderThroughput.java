package dev.parley.providers;

import io.javalin.Javalin;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A by-hand throughput check, not part of the suite (it measures, and tests never assert timings):
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) dev.parley.providers.ProviderThroughput [seconds]}.
 * Or, stub and client in separate processes: {@code … ProviderThroughput stub 8501} and
 * {@code … ProviderThroughput http http://127.0.0.1:8501/send 10}.
 * Prints sends/s of the simulator (latency 0 and 100 ms), of the http provider against local stubs (JDK HttpServer,
 * Javalin) at concurrency 200, and circuit-breaker records/s.
 */
public final class ProviderThroughput {
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private ProviderThroughput() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("stub")) {
            javalinStub(Integer.parseInt(args[1]));
            Thread.currentThread().join();
        }
        if (args.length == 3 && args[0].equals("http")) {
            try (Provider http = ProviderTypes.create("http", "http", Map.of("url", args[1]))) {
                run(http, 200, 2);
                report("http -> " + args[1] + ", concurrency 200", run(http, 200, Integer.parseInt(args[2])));
            }
            return;
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        try (Provider sim = ProviderTypes.create("sim", "simulator", Map.of("failRate", 0.01))) {
            report("simulator, latency 0, 2 threads", run(sim, 2, seconds));
        }
        try (Provider sim = ProviderTypes.create("sim", "simulator", Map.of("latencyMs", 100))) {
            report("simulator, latency 100 ms, 2000 threads", run(sim, 2000, seconds));
        }
        try (StubEndpoint stub = new StubEndpoint();
             Provider http = ProviderTypes.create("http", "http", Map.of("url", stub.url("/ok?body=%7B%22id%22%3A%22p%22%7D"),
                     "authValue", "Bearer x"))) {
            run(http, 200, 2);
            report("http -> local stub, concurrency 200", run(http, 200, seconds));
        }
        Javalin jetty = javalinStub(0);
        try (Provider http = ProviderTypes.create("http", "http", Map.of("url", "http://127.0.0.1:" + jetty.port() + "/send"))) {
            run(http, 200, 2);
            report("http -> local Javalin stub, concurrency 200", run(http, 200, seconds));
        } finally {
            jetty.stop();
        }
        CircuitBreaker breaker = new CircuitBreaker(Clock.systemUTC());
        SendResult ok = new SendResult.Accepted("p");
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long records = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                if (breaker.allow()) {
                    breaker.record(ok);
                }
            }
            records += 1000;
        }
        report("circuit breaker allow+record, 1 thread", new double[] {records / (double) seconds, 0});
    }

    private static Javalin javalinStub(int port) {
        return Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/send", ctx -> ctx.contentType("application/json").result("{\"providerMessageId\":\"p\"}"));
        }).start("127.0.0.1", port);
    }

    /** Sends from {@code concurrency} virtual threads for {@code seconds}; returns {sends/s, non-accepted share}. */
    private static double[] run(Provider provider, int concurrency, int seconds) throws Exception {
        long cpuBefore = CPU.getProcessCpuTime();
        AtomicLong sent = new AtomicLong();
        AtomicLong notAccepted = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<? extends Future<?>> workers = IntStream.range(0, concurrency).mapToObj(w -> threads.submit(() -> {
                for (long i = 0; System.nanoTime() < end; i++) {
                    SendResult r = provider.send(new SendRequest("msg_" + w + "_" + i, "tnt", "sms", "+447700900123",
                            null, null, "hello", null, 1, Map.of()));
                    sent.incrementAndGet();
                    if (!(r instanceof SendResult.Accepted)) {
                        notAccepted.incrementAndGet();
                    }
                }
                return null;
            })).toList();
            for (Future<?> w : workers) {
                w.get();
            }
        }
        double cpuMicrosPerSend = (CPU.getProcessCpuTime() - cpuBefore) / 1000.0 / Math.max(1, sent.get());
        return new double[] {sent.get() / (double) seconds, notAccepted.get() / (double) Math.max(1, sent.get()), cpuMicrosPerSend};
    }

    private static void report(String what, double[] figures) {
        System.out.printf("%-45s %,12.0f /s   not accepted %.3f   CPU %.1f µs/send (whole process)%n",
                what, figures[0], figures[1], figures.length > 2 ? figures[2] : Double.NaN);
    }
}

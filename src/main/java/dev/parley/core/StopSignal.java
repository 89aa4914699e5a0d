package dev.parley.core;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * How a long-running command ({@code serve}, {@code simulator}) waits for SIGTERM or SIGINT so it can stop
 * in order and exit 0. Install it before announcing readiness: a supervisor may send SIGTERM the moment it
 * reads the ready line, and until the handlers are in, the JVM's default handler exits with 143.
 */
public final class StopSignal {
    private final CountDownLatch stop = new CountDownLatch(1);

    private StopSignal() {}

    public static StopSignal install() {
        StopSignal signal = new StopSignal();
        Signal.handle(new Signal("TERM"), s -> signal.stop.countDown());
        Signal.handle(new Signal("INT"), s -> signal.stop.countDown());
        return signal;
    }

    /** Prints the one stdout line scripts wait for: {@code {"event":"ready","port":N}}. */
    public static void announceReady(int port) {
        System.out.println("{\"event\":\"ready\",\"port\":" + port + "}");
        System.out.flush();
    }

    public void await() throws InterruptedException {
        stop.await();
    }
}

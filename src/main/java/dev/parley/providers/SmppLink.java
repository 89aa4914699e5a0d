package dev.parley.providers;

import dev.parley.providers.SendResult.ErrorClass;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one transceiver bind of an {@code smpp} account on this node, kept up by a background thread: it
 * connects and binds, waits while the session stays bound, and after a loss or a failed bind tries again
 * after an exponential back-off from {@code reconnectMin} to {@code reconnectMax} (never less than
 * {@code reconnectMin}, so never a hot loop). Senders ask it for the bound session.
 *
 * <p>The thing to get right: without a bound session nothing can be written, so {@link #whyDown} is a
 * {@code Rejected}: {@code PROVIDER} when the SMSC refused the bind (a wrong password should open the
 * circuit), {@code TRANSIENT} when it could not be reached or the link dropped. No lock of this class is
 * held while calling into jSMPP, whose threads call back into it.
 */
final class SmppLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmppLink.class);
    /** How long closing waits for the SMSC's unbind_resp; submits already waiting keep their own timeout. */
    private static final long UNBIND_WAIT_MS = 1_000;

    /** {@code session} set: bound. {@code down} set: not bound, and why. Neither: a bind attempt is under way. */
    private record State(SMPPSession session, SendResult.Rejected down) {}

    private final String providerId;
    private final String host;
    private final int port;
    private final BindParameter bind;
    private final long bindTimeoutMs;
    private final Supplier<SMPPSession> newSession;
    private final long reconnectMinMs;
    private final long reconnectMaxMs;
    private final Object changes = new Object();
    private final Semaphore lost = new Semaphore(0);
    private final Thread thread;
    private volatile State state = new State(null, null);
    private volatile boolean closed;

    SmppLink(String providerId, String host, int port, BindParameter bind, Duration bindTimeout,
             Supplier<SMPPSession> newSession, Duration reconnectMin, Duration reconnectMax) {
        this.providerId = providerId;
        this.host = host;
        this.port = port;
        this.bind = bind;
        this.bindTimeoutMs = bindTimeout.toMillis();
        this.newSession = newSession;
        this.reconnectMinMs = reconnectMin.toMillis();
        this.reconnectMaxMs = Math.max(reconnectMinMs, reconnectMax.toMillis());
        this.thread = Thread.ofVirtual().name("smpp-link-" + providerId).start(this::run);
    }

    /** The bound session, waiting up to {@code wait} while a bind attempt is under way; null when there is none. */
    SMPPSession session(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (changes) {
            while (!closed && state.session() == null && state.down() == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(changes, left);
            }
        }
        SMPPSession session = state.session();
        return session != null && session.getSessionState().isBound() ? session : null;
    }

    /** Why there is no bound session: the answer for a send that could not be written. */
    SendResult.Rejected whyDown() {
        SendResult.Rejected down = state.down();
        return down != null ? down
                : new SendResult.Rejected(ErrorClass.TRANSIENT, "not-bound", "not bound to the SMSC yet", null);
    }

    /** The wait before bind attempt number {@code failures + 1}: reconnectMin × 2^failures, capped, jittered down to half. */
    static long backoffMillis(int failures, long minMs, long maxMs) {
        long ceiling = Math.min(maxMs, minMs << Math.min(failures, 30));
        return Math.max(minMs, ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            set(new State(null, null));
            SMPPSession session = newSession.get();
            session.addSessionStateListener((newState, oldState, source) -> lost.release());
            try {
                session.connectAndBind(host, port, bind, bindTimeoutMs);
            } catch (IOException e) {
                session.close();
                set(new State(null, bindFailure(e)));
                long delay = backoffMillis(failures++, reconnectMinMs, reconnectMaxMs);
                log.warn("provider {}: bind to {}:{} failed ({}); trying again in {} ms", providerId, host, port,
                        e.getMessage(), delay);
                pause(delay);
                continue;
            }
            failures = 0;
            log.info("provider {}: bound to {}:{} as {}", providerId, host, port, bind.getSystemId());
            set(new State(session, null));
            awaitLoss(session);
            set(new State(null, new SendResult.Rejected(ErrorClass.TRANSIENT, "not-bound",
                    "the SMPP connection was lost; reconnecting", null)));
            if (closed) {
                session.setTransactionTimer(Math.min(session.getTransactionTimer(), UNBIND_WAIT_MS));
                session.unbindAndClose();
            } else {
                session.close();
                log.warn("provider {}: SMPP session to {}:{} ended; reconnecting", providerId, host, port);
                pause(backoffMillis(0, reconnectMinMs, reconnectMaxMs));
            }
        }
    }

    private SendResult.Rejected bindFailure(IOException e) {
        if (e.getCause() instanceof NegativeResponseException refused) {
            return new SendResult.Rejected(ErrorClass.PROVIDER, "bind-refused",
                    "the SMSC refused the bind: " + SmppStatus.describe(refused.getCommandStatus()), null);
        }
        return new SendResult.Rejected(ErrorClass.TRANSIENT, "connect-failed",
                "could not bind to " + host + ":" + port + ": " + e.getMessage(), null);
    }

    private void awaitLoss(SMPPSession session) {
        while (!closed && session.getSessionState().isBound()) {
            try {
                lost.tryAcquire(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pause(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (changes) {
            long left;
            while (!closed && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(changes, left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void set(State next) {
        synchronized (changes) {
            state = next;
            changes.notifyAll();
        }
    }

    /** Unbinds and stops reconnecting; waits a bounded time for the background thread. */
    @Override
    public void close() {
        closed = true;
        set(new State(null, new SendResult.Rejected(ErrorClass.TRANSIENT, "closed", "the SMPP account is closing", null)));
        lost.release();
        try {
            if (!thread.join(Duration.ofMillis(bindTimeoutMs + UNBIND_WAIT_MS + 500))) {
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.parley.providers;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One pooled connection of the {@code smtp} provider: Angus Mail's transport, remembering whether the
 * current send got as far as the end-of-data dot. That is the line between the two kinds of failure:
 * until the dot is written the server cannot have accepted the message (RFC 5321 §4.1.1.4: a message
 * is accepted by the reply to the dot, never before), so a lost connection is a plain rejection; once
 * the dot went out, a lost connection or a missing reply is ambiguous.
 *
 * <p>Used by one send at a time (the provider's pool hands it out); Angus's methods are synchronized
 * anyway.
 */
final class SmtpConnection extends SMTPTransport {
    private volatile boolean endOfDataSent;
    private volatile long idleSinceNanos = System.nanoTime();

    SmtpConnection(Session session, String protocol, boolean ssl) {
        super(session, new URLName(protocol, null, -1, null, null, null), protocol, ssl);
    }

    @Override
    protected void mailFrom() throws MessagingException {
        endOfDataSent = false;
        super.mailFrom();
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
        endOfDataSent = true;
        super.finishData();
    }

    @Override
    protected void finishBdat() throws IOException, MessagingException {
        endOfDataSent = true;
        super.finishBdat();
    }

    /** True once the current send wrote the end of the message: from then on the server may have accepted it. */
    boolean endOfDataSent() {
        return endOfDataSent;
    }

    void markIdle() {
        idleSinceNanos = System.nanoTime();
    }

    long idleNanos() {
        return System.nanoTime() - idleSinceNanos;
    }

    /** Closes without waiting for anything; a connection being dropped has nothing more to say. */
    void discard() {
        try {
            close();
        } catch (MessagingException | RuntimeException e) {
            // already broken: closing is best effort
        }
    }
}

package dev.parley.providers;

import dev.parley.providers.SendResult.ErrorClass;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * What an SMTP server's reply, or the loss of the connection, means for a send (docs/providers.md,
 * {@code smtp}). A reply code is definite wherever it comes; without one, only
 * {@link SmtpConnection#endOfDataSent()} decides: before the end-of-data dot nothing can have been
 * accepted, after it anything may have been.
 */
final class SmtpAnswers {
    private SmtpAnswers() {}

    /** A failure while connecting, greeting, starting TLS or authenticating: no message was offered yet. */
    static SendResult connectFailure(MessagingException e, int lastReturnCode) {
        Throwable cause = e.getCause() != null ? e.getCause() : e.getNextException();
        String detail = describe(e);
        if (e instanceof AuthenticationFailedException) {
            return isTemporary(lastReturnCode)
                    ? rejected(ErrorClass.TRANSIENT, "smtp-" + lastReturnCode, "authentication failed for now: " + detail)
                    : rejected(ErrorClass.PROVIDER, "auth-failed", "the server refused the credentials: " + detail);
        }
        if (e instanceof MailConnectException) {
            return rejected(ErrorClass.TRANSIENT, "connect-failed", "could not connect: " + detail);
        }
        if (cause instanceof UnknownHostException) {
            return rejected(ErrorClass.TRANSIENT, "unknown-host", "the host name does not resolve: " + detail);
        }
        if (cause instanceof SSLException) {
            return rejected(ErrorClass.PROVIDER, "tls", "TLS failed: " + detail);
        }
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (text.contains("starttls is required")) {
            return rejected(ErrorClass.PROVIDER, "starttls-unavailable", "the server does not offer STARTTLS");
        }
        if (text.contains("bad greeting") && text.contains("response: 5")) {
            return rejected(ErrorClass.PROVIDER, "greeting", "the server refused the session: " + detail);
        }
        return rejected(ErrorClass.TRANSIENT, "connect-failed", "could not open an SMTP session: " + detail);
    }

    /** A failure of {@code sendMessage} on an open connection. */
    static SendResult sendFailure(MessagingException e, SmtpConnection connection) {
        SMTPAddressFailedException recipient = find(e, SMTPAddressFailedException.class);
        if (recipient != null) {
            return replied(recipient.getReturnCode(), ErrorClass.PERMANENT, "recipient refused: ", recipient.getMessage());
        }
        if (e instanceof SMTPSendFailedException failed && isReply(failed.getReturnCode())) {
            String command = failed.getCommand() == null ? "" : failed.getCommand().toUpperCase(Locale.ROOT);
            if (command.startsWith("MAIL")) {
                return replied(failed.getReturnCode(), ErrorClass.PROVIDER, "sender refused: ", failed.getMessage());
            }
            return replied(failed.getReturnCode(), ErrorClass.PERMANENT,
                    command.equals(".") ? "message refused: " : command + " refused: ", failed.getMessage());
        }
        if (connection.endOfDataSent()) {
            return new SendResult.Ambiguous("no reply to the end of the message (it may have been accepted): " + describe(e));
        }
        return rejected(ErrorClass.TRANSIENT, "connection-lost", "connection lost before the message was complete: " + describe(e));
    }

    /**
     * True when a failure on a reused connection before the end of data says only that the connection
     * had gone stale (closed by the server while idle, or 421 closing): a fresh connection may try at once.
     */
    static boolean staleConnection(MessagingException e, SmtpConnection connection) {
        if (connection.endOfDataSent()) {
            return false;
        }
        if (e instanceof SMTPSendFailedException failed) {
            return failed.getReturnCode() == 421 || !isReply(failed.getReturnCode());
        }
        SMTPAddressFailedException recipient = find(e, SMTPAddressFailedException.class);
        if (recipient != null) {
            return recipient.getReturnCode() == 421 || !isReply(recipient.getReturnCode());
        }
        return e.getNextException() instanceof IOException || e.getCause() instanceof IOException;
    }

    /** True when the failure was a definite reply, after which Angus has reset the session and the connection is reusable. */
    static boolean connectionReusable(MessagingException e) {
        SMTPAddressFailedException recipient = find(e, SMTPAddressFailedException.class);
        if (recipient != null) {
            return isReply(recipient.getReturnCode()) && recipient.getReturnCode() != 421;
        }
        return e instanceof SMTPSendFailedException failed && isReply(failed.getReturnCode()) && failed.getReturnCode() != 421;
    }

    private static SendResult replied(int code, ErrorClass permanentClass, String what, String detail) {
        String reason = what + clean(detail);
        if (isTemporary(code)) {
            return rejected(ErrorClass.TRANSIENT, "smtp-" + code, reason);
        }
        if (code >= 500 && code <= 599) {
            return rejected(code == 530 || code == 535 ? ErrorClass.PROVIDER : permanentClass, "smtp-" + code, reason);
        }
        return rejected(ErrorClass.TRANSIENT, "connection-lost", "connection lost before the message was complete: " + reason);
    }

    private static boolean isTemporary(int code) {
        return code >= 400 && code <= 499;
    }

    private static boolean isReply(int code) {
        return code >= 400 && code <= 599;
    }

    private static <T extends Exception> T find(MessagingException e, Class<T> type) {
        Exception current = e;
        for (int depth = 0; current != null && depth < 8; depth++) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            current = current instanceof MessagingException m ? m.getNextException() : null;
        }
        return null;
    }

    private static SendResult rejected(ErrorClass errorClass, String code, String reason) {
        return new SendResult.Rejected(errorClass, code, truncate(reason), null);
    }

    private static String describe(Exception e) {
        Throwable root = e;
        StringBuilder text = new StringBuilder(clean(e.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            text.append(" (").append(root.getClass().getSimpleName());
            if (root.getMessage() != null) {
                text.append(": ").append(clean(root.getMessage()));
            }
            text.append(')');
        }
        return text.toString();
    }

    private static String clean(String text) {
        return text == null ? "" : text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
    }

    private static String truncate(String s) {
        return s.length() <= HttpAnswers.MAX_REASON ? s : s.substring(0, HttpAnswers.MAX_REASON - 1) + "…";
    }
}

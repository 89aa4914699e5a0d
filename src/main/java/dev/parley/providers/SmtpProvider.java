package dev.parley.providers;

import dev.parley.core.Failure.FieldError;
import dev.parley.providers.SendResult.ErrorClass;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The {@code smtp} provider: hands each message to one SMTP server (a relay or a provider's SMTP
 * endpoint) with Angus Mail, over a small pool of open connections that are reused, never one
 * connection per message. How answers are classified is {@link SmtpAnswers}'s job.
 *
 * <p>What a reader could get wrong: a retry of the same Parley message carries the same
 * {@code Message-ID} ({@code <msg_…@sender-domain>}), so a receiving system that de-duplicates on it
 * sees one message; and the pool's one automatic retry only ever happens when a reused connection
 * turned out dead before the end of the message was written, which proves nothing was accepted.
 */
public final class SmtpProvider implements Provider {
    static final List<ConfigField> FIELDS = List.of(
            text("host", true, null, 253),
            ConfigField.integer("port", 587, 1, 65_535),
            text("security", false, "starttls", 8),
            text("username", false, null, 512),
            ConfigField.secret("password", 1024),
            text("from", false, null, 998),
            ConfigField.integer("poolSize", 4, 1, 64),
            ConfigField.integer("connectTimeoutMs", 10_000, 1, 120_000),
            ConfigField.integer("timeoutMs", 60_000, 1, 600_000));

    private static final Set<String> SECURITY = Set.of("none", "starttls", "tls");
    /** Servers close idle sessions (Postfix after 300 s); a connection idle this long is not reused. */
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String providerId;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String defaultFrom;
    private final String protocol;
    private final Session session;
    private final Clock clock;
    private final Semaphore slots;
    private final ConcurrentLinkedDeque<SmtpConnection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    SmtpProvider(String providerId, ProviderConfig config, Clock clock) {
        this.providerId = providerId;
        this.host = config.text("host");
        this.port = (int) config.integer("port");
        this.username = config.text("username");
        this.password = config.text("password");
        this.defaultFrom = config.text("from");
        this.clock = clock;
        this.slots = new Semaphore((int) config.integer("poolSize"), true);
        String security = config.text("security");
        this.protocol = security.equals("tls") ? "smtps" : "smtp";
        this.session = Session.getInstance(properties(protocol, security, config));
    }

    /** Problems only visible across fields or inside a text: the security mode, the credentials pair, the sender. */
    static List<FieldError> crossCheck(ProviderConfig config) {
        List<FieldError> errors = new ArrayList<>();
        if (!SECURITY.contains(config.text("security"))) {
            errors.add(new FieldError("config.security", "invalid", "config.security must be none, starttls or tls"));
        }
        if (config.text("host").isBlank() || config.text("host").chars().anyMatch(Character::isWhitespace)) {
            errors.add(new FieldError("config.host", "invalid", "config.host must be a host name or address"));
        }
        if ((config.text("username") == null) != (config.text("password") == null)) {
            errors.add(new FieldError("config.password", "invalid", "config.username and config.password go together"));
        }
        Senders.checkDefault(config, errors);
        return errors;
    }

    @Override
    public SendResult send(SendRequest request) throws InterruptedException {
        String from = Senders.of(request, defaultFrom);
        if (from == null) {
            return Senders.NONE;
        }
        MimeMessage message;
        Address[] recipients;
        try {
            message = compose(request, new InternetAddress(from, true));
            recipients = new Address[] {new InternetAddress(request.to(), true)};
        } catch (AddressException e) {
            return new SendResult.Rejected(ErrorClass.PERMANENT, "invalid-address", "not an email address: " + e.getRef(), null);
        } catch (MessagingException e) {
            return new SendResult.Rejected(ErrorClass.PERMANENT, "unsendable", "the message could not be composed: " + e.getMessage(), null);
        }
        slots.acquire();
        try {
            return deliver(message, recipients, messageId(message));
        } finally {
            slots.release();
        }
    }

    private SendResult deliver(MimeMessage message, Address[] recipients, String messageId) {
        SmtpConnection pooled = idle.pollFirst();
        while (pooled != null && pooled.idleNanos() > MAX_IDLE_NANOS) {
            pooled.discard();
            pooled = idle.pollFirst();
        }
        if (pooled != null) {
            try {
                pooled.sendMessage(message, recipients);
                release(pooled);
                return new SendResult.Accepted(messageId);
            } catch (MessagingException e) {
                if (!SmtpAnswers.staleConnection(e, pooled)) {
                    return settle(pooled, e);
                }
                pooled.discard();
            }
        }
        SmtpConnection fresh = new SmtpConnection(session, protocol, protocol.equals("smtps"));
        try {
            fresh.connect(host, port, username, password);
        } catch (MessagingException e) {
            SendResult result = SmtpAnswers.connectFailure(e, fresh.getLastReturnCode());
            fresh.discard();
            return result;
        }
        try {
            fresh.sendMessage(message, recipients);
            release(fresh);
            return new SendResult.Accepted(messageId);
        } catch (MessagingException e) {
            return settle(fresh, e);
        }
    }

    private SendResult settle(SmtpConnection connection, MessagingException e) {
        SendResult result = SmtpAnswers.sendFailure(e, connection);
        if (SmtpAnswers.connectionReusable(e)) {
            release(connection);
        } else {
            connection.discard();
        }
        return result;
    }

    private void release(SmtpConnection connection) {
        connection.markIdle();
        idle.offerFirst(connection);
        if (closed && idle.remove(connection)) {
            connection.discard();
        }
    }

    private MimeMessage compose(SendRequest r, InternetAddress sender) throws MessagingException {
        MimeMessage message = new StableIdMessage(session, messageIdFor(r.messageId(), sender));
        message.setFrom(sender);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(r.to(), true));
        if (r.subject() != null) {
            message.setSubject(r.subject(), StandardCharsets.UTF_8.name());
        }
        message.setSentDate(Date.from(clock.instant()));
        if (r.unsubscribeUrl() != null) {
            message.setHeader("List-Unsubscribe", "<" + r.unsubscribeUrl() + ">");
            message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        String utf8 = StandardCharsets.UTF_8.name();
        if (r.text() != null && r.html() != null) {
            MimeBodyPart text = new MimeBodyPart();
            text.setText(r.text(), utf8, "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(r.html(), utf8, "html");
            message.setContent(new MimeMultipart("alternative", text, html));
        } else if (r.html() != null) {
            message.setText(r.html(), utf8, "html");
        } else {
            message.setText(r.text() == null ? "" : r.text(), utf8, "plain");
        }
        message.saveChanges();
        return message;
    }

    /** {@code <msg_…@domain>}: Parley's id, made safe for a Message-ID, at the sender's domain (else {@code parley}). */
    static String messageIdFor(String parleyMessageId, InternetAddress sender) {
        String local = parleyMessageId.replaceAll("[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]", "-");
        String address = sender.getAddress();
        int at = address.lastIndexOf('@');
        String domain = at < 0 || at == address.length() - 1 ? "parley" : address.substring(at + 1);
        return "<" + local + "@" + domain.replaceAll("[^A-Za-z0-9.-]", "-") + ">";
    }

    private static String messageId(MimeMessage message) {
        try {
            String id = message.getMessageID();
            return id.substring(1, id.length() - 1);
        } catch (MessagingException e) {
            throw new IllegalStateException("a composed message has a Message-ID", e);
        }
    }

    /** A MIME message whose Message-ID is Parley's, not a fresh random one on every save. */
    private static final class StableIdMessage extends MimeMessage {
        private final String id;

        StableIdMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }

    private static Properties properties(String protocol, String security, ProviderConfig config) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put(p + "connectiontimeout", String.valueOf(config.integer("connectTimeoutMs")));
        props.put(p + "timeout", String.valueOf(config.integer("timeoutMs")));
        props.put(p + "writetimeout", String.valueOf(config.integer("timeoutMs")));
        props.put(p + "auth", String.valueOf(config.text("username") != null));
        props.put(p + "quitwait", "false");
        props.put(p + "ssl.checkserveridentity", "true");
        if (security.equals("starttls")) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        return props;
    }

    private static ConfigField text(String name, boolean required, String defaultValue, int maxLength) {
        return new ConfigField(name, ConfigField.Kind.TEXT, required, defaultValue, 1, maxLength, false);
    }

    @Override
    public void close() {
        closed = true;
        for (SmtpConnection connection = idle.pollFirst(); connection != null; connection = idle.pollFirst()) {
            connection.discard();
        }
    }

    @Override
    public String toString() {
        return "SmtpProvider[" + providerId + " → " + host + ":" + port + "]";
    }
}

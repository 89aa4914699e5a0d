package dev.parley.providers;

import dev.parley.core.Failure.FieldError;
import dev.parley.providers.SendResult.ErrorClass;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jsmpp.GenericNackResponseException;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.connection.socket.SocketConnection;

/**
 * The {@code smpp} provider: SMS over one SMPP 3.4 transceiver bind per account ({@link SmppLink} keeps it up,
 * {@link SmppReceipts} turns {@code deliver_sm} into events, {@link SmppText} encodes and splits).
 *
 * <p>At most {@code windowSize} {@code submit_sm} are outstanding at once. A long text goes as concatenated
 * parts, one after another; only the last requests a delivery receipt, and its {@code message_id} is the
 * {@code providerMessageId}, so receipts match it. The thing to get right is what a failure means: before the
 * first part is written it is a {@code Rejected}; a {@code submit_sm} whose answer never came is
 * {@code Ambiguous}; and once one part was accepted any later failure is {@code Ambiguous} (partly sent).
 */
public final class SmppProvider implements Provider {
    static final List<ConfigField> FIELDS = List.of(
            text("host", true, 253),
            ConfigField.integer("port", 2775, 1, 65_535),
            text("systemId", true, 15),
            ConfigField.secret("password", 8),
            text("systemType", false, 12),
            text("sourceAddress", false, 20),
            ConfigField.integer("sourceTon", -1, -1, 6),
            ConfigField.integer("sourceNpi", -1, -1, 18),
            ConfigField.integer("destTon", 1, 0, 6),
            ConfigField.integer("destNpi", 1, 0, 18),
            ConfigField.integer("windowSize", 10, 1, 1_000),
            ConfigField.integer("enquireLinkSeconds", 30, 1, 3_600),
            ConfigField.integer("submitTimeoutMs", 10_000, 1, 120_000),
            ConfigField.integer("connectTimeoutMs", 5_000, 1, 60_000),
            ConfigField.integer("reconnectMinMs", 1_000, 50, 600_000),
            ConfigField.integer("reconnectMaxMs", 60_000, 50, 3_600_000));

    private static final Pattern E164 = Pattern.compile("\\+\\d{1,15}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,20}");

    private final String providerId;
    private final String sourceAddress;
    private final int sourceTon;
    private final int sourceNpi;
    private final TypeOfNumber destTon;
    private final NumberingPlanIndicator destNpi;
    private final Duration submitTimeout;
    private final Duration bindWait;
    private final Semaphore window;
    private final AtomicInteger references = new AtomicInteger();
    private final SmppLink link;

    SmppProvider(ProviderContext context, ProviderConfig config) {
        this.providerId = context.providerId();
        this.sourceAddress = config.text("sourceAddress");
        this.sourceTon = (int) config.integer("sourceTon");
        this.sourceNpi = (int) config.integer("sourceNpi");
        this.destTon = TypeOfNumber.valueOf((byte) config.integer("destTon"));
        this.destNpi = NumberingPlanIndicator.valueOf((byte) config.integer("destNpi"));
        this.submitTimeout = Duration.ofMillis(config.integer("submitTimeoutMs"));
        int connectTimeoutMs = (int) config.integer("connectTimeoutMs");
        this.bindWait = Duration.ofMillis(Math.min(connectTimeoutMs, submitTimeout.toMillis()));
        this.window = new Semaphore((int) config.integer("windowSize"), true);
        int enquireLinkMs = (int) (config.integer("enquireLinkSeconds") * 1_000);
        SmppReceipts receipts = new SmppReceipts(providerId, context.events(), context.clock());
        BindParameter bind = new BindParameter(BindType.BIND_TRX, config.text("systemId"),
                nonNull(config.text("password")), nonNull(config.text("systemType")),
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null);
        this.link = new SmppLink(providerId, config.text("host"), (int) config.integer("port"), bind,
                Duration.ofMillis(connectTimeoutMs), () -> {
                    SMPPSession session = new SMPPSession((host, port) -> {
                        Socket socket = new Socket();
                        socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
                        return new SocketConnection(socket);
                    });
                    session.setEnquireLinkTimer(enquireLinkMs);
                    session.setTransactionTimer(submitTimeout.toMillis());
                    session.setMessageReceiverListener(receipts);
                    return session;
                },
                Duration.ofMillis(config.integer("reconnectMinMs")), Duration.ofMillis(config.integer("reconnectMaxMs")));
    }

    /** Numbering plans SMPP 3.4 (and jSMPP) know; every TON in range is valid. −1 means chosen per sender. */
    static List<FieldError> crossCheck(ProviderConfig config) {
        List<FieldError> errors = new ArrayList<>();
        for (String field : List.of("sourceNpi", "destNpi")) {
            long npi = config.integer(field);
            if (npi != -1 && !List.of(0L, 1L, 3L, 4L, 6L, 8L, 9L, 10L, 14L, 18L).contains(npi)) {
                errors.add(new FieldError("config." + field, "invalid",
                        "config." + field + " must be an SMPP numbering plan: 0, 1, 3, 4, 6, 8, 9, 10, 14 or 18"));
            }
        }
        if (config.integer("reconnectMinMs") > config.integer("reconnectMaxMs")) {
            errors.add(new FieldError("config.reconnectMaxMs", "range", "config.reconnectMaxMs must be at least config.reconnectMinMs"));
        }
        return errors;
    }

    @Override
    public SendResult send(SendRequest request) throws InterruptedException {
        String to = request.to() == null ? "" : request.to().startsWith("+") ? request.to().substring(1) : request.to();
        if (!DIGITS.matcher(to).matches()) {
            return new SendResult.Rejected(ErrorClass.PERMANENT, "invalid-destination",
                    "an SMS destination must be a phone number, got '" + request.to() + "'", null);
        }
        SmppText.Encoded text = SmppText.encode(request.text() == null ? "" : request.text(), references.incrementAndGet());
        if (text.parts().size() > SmppText.MAX_PARTS) {
            return new SendResult.Rejected(ErrorClass.PERMANENT, "too-long",
                    "the text needs " + text.parts().size() + " SMS parts; at most " + SmppText.MAX_PARTS + " can be joined", null);
        }
        String from = request.from() != null ? request.from() : sourceAddress;
        SMPPSession session = link.session(bindWait);
        if (session == null) {
            return link.whyDown();
        }
        int parts = text.parts().size();
        String messageId = null;
        for (int i = 0; i < parts; i++) {
            SendResult result = submit(session, from, to, text, i);
            if (!(result instanceof SendResult.Accepted accepted)) {
                return i == 0 ? result : new SendResult.Ambiguous("part " + (i + 1) + " of " + parts
                        + " failed after earlier parts were accepted (partly sent): " + reason(result));
            }
            messageId = accepted.providerMessageId();
        }
        return new SendResult.Accepted(messageId == null || messageId.isBlank() ? request.messageId() : messageId);
    }

    /** Submits part {@code index} within the window; the last part requests a delivery receipt. */
    private SendResult submit(SMPPSession session, String from, String to, SmppText.Encoded text, int index)
            throws InterruptedException {
        if (!window.tryAcquire(submitTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return new SendResult.Rejected(ErrorClass.TRANSIENT, "window-full",
                    "the SMPP window stayed full for " + submitTimeout.toMillis() + " ms", null);
        }
        boolean last = index == text.parts().size() - 1;
        try {
            String id = session.submitShortMessage(null,
                    TypeOfNumber.valueOf(sourceTon(from)), NumberingPlanIndicator.valueOf(sourceNpi(from)),
                    from == null ? "" : from.startsWith("+") ? from.substring(1) : from,
                    destTon, destNpi, to,
                    text.concatenated() ? new ESMClass(0x40) : new ESMClass(), (byte) 0, (byte) 0, null, null,
                    last ? new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE) : new RegisteredDelivery(),
                    (byte) 0, new RawDataCoding(text.dataCoding()), (byte) 0, text.parts().get(index)).getMessageId();
            return new SendResult.Accepted(id);
        } catch (NegativeResponseException e) {
            return SmppStatus.rejected("submit_sm", e.getCommandStatus());
        } catch (GenericNackResponseException e) {
            return SmppStatus.rejected("submit_sm (generic_nack)", e.getCommandStatus());
        } catch (ResponseTimeoutException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for submit_sm_resp");
            }
            return new SendResult.Ambiguous("no submit_sm_resp within " + submitTimeout.toMillis() + " ms");
        } catch (InvalidResponseException e) {
            return new SendResult.Ambiguous("unreadable answer to submit_sm: " + e.getMessage());
        } catch (PDUException e) {
            return new SendResult.Rejected(ErrorClass.PERMANENT, "invalid-pdu", "submit_sm not built: " + e.getMessage(), null);
        } catch (IOException e) {
            return new SendResult.Rejected(ErrorClass.TRANSIENT, "not-sent", "submit_sm not written: " + e.getMessage(), null);
        } catch (RuntimeException e) {
            return new SendResult.Ambiguous("submit_sm failed unexpectedly: " + e);
        } finally {
            window.release();
        }
    }

    /** Configured TON, else 1 (international) for +E.164, 0 (unknown) for other digits, 5 (alphanumeric) for a name. */
    private byte sourceTon(String from) {
        if (sourceTon >= 0) {
            return (byte) sourceTon;
        }
        return from == null || from.isEmpty() || DIGITS.matcher(from).matches() ? 0 : E164.matcher(from).matches() ? (byte) 1 : 5;
    }

    /** Configured NPI, else 1 (ISDN/E.164) for numbers and 0 (unknown) for names. */
    private byte sourceNpi(String from) {
        if (sourceNpi >= 0) {
            return (byte) sourceNpi;
        }
        return from != null && (DIGITS.matcher(from).matches() || E164.matcher(from).matches()) ? (byte) 1 : 0;
    }

    private static String reason(SendResult result) {
        return switch (result) {
            case SendResult.Rejected r -> r.reason();
            case SendResult.Ambiguous a -> a.reason();
            case SendResult.Accepted a -> "accepted";
        };
    }

    private static ConfigField text(String name, boolean required, int maxLength) {
        return new ConfigField(name, ConfigField.Kind.TEXT, required, null, 1, maxLength, false);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return "SmppProvider[" + providerId + "]";
    }
}

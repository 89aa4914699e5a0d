package dev.parley.providers;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each {@code deliver_sm} arriving on an SMPP bind into a {@link ProviderEvent} and stores it: a
 * delivery receipt (esm_class message type 0x04) becomes a {@link ProviderEvent.Receipt}, or a
 * {@code progress} {@link ProviderEvent.Engagement} for an intermediate state (ENROUTE, ACCEPTD, or an
 * intermediate notification, type 0x20); an ordinary message becomes an {@link ProviderEvent.Inbound}.
 *
 * <p>The thing to get right: jSMPP answers {@code deliver_sm_resp} OK only when {@link #onAcceptDeliverSm}
 * returns normally, so it returns after {@link ProviderEvents#publish} has stored the event; when publishing
 * throws it answers ESME_RSYSERR and the SMSC delivers again later.
 *
 * <p>The receipt text is parsed here, not by jSMPP's {@code DeliveryReceipt}, which fails the whole receipt
 * for a {@code stat} it does not know (SMPP 5's SKIPPED, vendor states) or a non-numeric {@code sub}, only
 * knows lower-case keys, and reads the done date in the JVM's time zone. The {@code receipted_message_id}
 * and {@code message_state} TLVs, when present, win over the text.
 */
final class SmppReceipts implements MessageReceiverListener {
    private static final Logger log = LoggerFactory.getLogger(SmppReceipts.class);
    private static final Pattern ID = Pattern.compile("(?i)(?:^|\\s)id:(\\S+)");
    private static final Pattern STAT = Pattern.compile("(?i)(?:^|\\s)stat:(\\S+)");
    private static final Pattern ERR = Pattern.compile("(?i)(?:^|\\s)err:(\\S+)");
    private static final Pattern DONE = Pattern.compile("(?i)done date:(\\d{10,12})");
    private static final Pattern TEXT = Pattern.compile("(?i)(?:^|\\s)text:");
    private static final Pattern NUMBER = Pattern.compile("\\+?\\d{1,20}");
    /** Final states and whether the message reached the person; any other state is progress. */
    private static final Map<String, Boolean> FINAL = Map.of("DELIVRD", true, "DELIVERED", true,
            "UNDELIV", false, "UNDELIVERABLE", false, "EXPIRED", false, "REJECTD", false, "REJECTED", false,
            "DELETED", false, "UNKNOWN", false, "SKIPPED", false);
    /** message_state TLV values (SMPP 3.4 §5.2.28, 5.0 adds SKIPPED) as receipt {@code stat} names. */
    private static final List<String> STATES =
            List.of("SCHEDULED", "ENROUTE", "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "SKIPPED");
    private static final int RECEIPT = 0x04;
    private static final int INTERMEDIATE = 0x20;

    private final String providerId;
    private final ProviderEvents events;
    private final Clock clock;

    SmppReceipts(String providerId, ProviderEvents events, Clock clock) {
        this.providerId = providerId;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
        ProviderEvent event = toEvent(deliverSm, clock.instant());
        if (event == null) {
            log.info("provider {}: deliver_sm with esm_class 0x{} and nothing to record, acknowledged", providerId,
                    Integer.toHexString(deliverSm.getEsmClass() & 0xFF));
            return;
        }
        try {
            events.publish(providerId, List.of(event));
        } catch (RuntimeException e) {
            log.error("provider {}: could not store a deliver_sm, answering ESME_RSYSERR so the SMSC redelivers", providerId, e);
            throw new ProcessRequestException("could not store the event", SMPPConstant.STAT_ESME_RSYSERR, e);
        }
    }

    @Override
    public void onAcceptAlertNotification(AlertNotification alertNotification) {}

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
        throw new ProcessRequestException("data_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    /** The event a deliver_sm carries, or null when there is none (SME acknowledgements, a receipt without an id). */
    static ProviderEvent toEvent(DeliverSm deliverSm, Instant now) {
        int type = deliverSm.getEsmClass() & 0x3C;
        if (type == 0) {
            return new ProviderEvent.Inbound("sms", null,
                    address(deliverSm.getSourceAddr(), deliverSm.getSourceAddrTon()),
                    address(deliverSm.getDestAddress(), deliverSm.getDestAddrTon()),
                    SmppText.decode(deliverSm.getDataCoding(), body(deliverSm), deliverSm.isUdhi()), now);
        }
        if (type != RECEIPT && type != INTERMEDIATE) {
            return null;
        }
        String text = new String(body(deliverSm), StandardCharsets.ISO_8859_1);
        Matcher userText = TEXT.matcher(text);
        String fields = userText.find() ? text.substring(0, userText.start()) : text;
        OptionalParameter.Receipted_message_id idTlv = deliverSm.getOptionalParameter(OptionalParameter.Receipted_message_id.class);
        OptionalParameter.Message_state stateTlv = deliverSm.getOptionalParameter(OptionalParameter.Message_state.class);
        String id = idTlv != null && !idTlv.getValueAsString().isEmpty() ? idTlv.getValueAsString() : find(ID, fields);
        String stat = stateTlv != null && stateTlv.getValue() >= 0 && stateTlv.getValue() < STATES.size()
                ? STATES.get(stateTlv.getValue()) : find(STAT, fields);
        if (id == null) {
            return null;
        }
        stat = stat == null ? "UNKNOWN" : stat.toUpperCase(Locale.ROOT);
        String err = find(ERR, fields);
        String done = find(DONE, fields);
        String detail = "stat:" + stat + (err == null ? "" : " err:" + err) + (done == null ? "" : " done:" + done);
        Boolean delivered = FINAL.get(stat);
        return type == RECEIPT && delivered != null
                ? new ProviderEvent.Receipt(id, delivered, detail, null)
                : new ProviderEvent.Engagement(id, "progress", detail, null);
    }

    /** The message octets: short_message, or the message_payload TLV when short_message is empty. */
    private static byte[] body(DeliverSm deliverSm) {
        byte[] shortMessage = deliverSm.getShortMessage();
        if (shortMessage != null && shortMessage.length > 0) {
            return shortMessage;
        }
        OptionalParameter payload = deliverSm.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
        return payload instanceof OptionalParameter.OctetString octets ? octets.getValue() : new byte[0];
    }

    /** {@code +447700900123} for an international (TON 1) number; anything else as the SMSC sent it. */
    static String address(String address, byte ton) {
        if (address != null && ton == 1 && NUMBER.matcher(address).matches()) {
            return address.startsWith("+") ? address : "+" + address;
        }
        return address;
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}

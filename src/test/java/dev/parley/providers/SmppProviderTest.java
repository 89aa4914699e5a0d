package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.Failure.FieldError;
import dev.parley.providers.SendResult.ErrorClass;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The smpp adapter against a real SMPP peer: jSMPP's server side on 127.0.0.1 ({@link SmppSmsc}). */
class SmppProviderTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    private final List<ProviderEvent> events = new CopyOnWriteArrayList<>();
    private volatile RuntimeException storeFailure;
    private final List<Provider> providers = new ArrayList<>();
    private final List<SmppSmsc> smscs = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (Provider p : providers) {
            p.close();
        }
        for (SmppSmsc smsc : smscs) {
            smsc.close();
        }
    }

    private SmppSmsc smsc() throws Exception {
        return smsc(0);
    }

    private SmppSmsc smsc(int port) throws Exception {
        SmppSmsc smsc = new SmppSmsc(port, "secret");
        smscs.add(smsc);
        return smsc;
    }

    private Provider provider(SmppSmsc smsc, Object... settings) {
        Map<String, Object> config = new HashMap<>(Map.of("host", "127.0.0.1", "port", smsc.port, "systemId", "parley",
                "password", "secret", "submitTimeoutMs", 3_000, "reconnectMinMs", 50, "reconnectMaxMs", 200));
        for (int i = 0; i < settings.length; i += 2) {
            config.put((String) settings[i], settings[i + 1]);
        }
        ProviderEvents sink = (providerId, published) -> {
            if (storeFailure != null) {
                throw storeFailure;
            }
            events.addAll(published);
        };
        Provider provider = ProviderTypes.create(new ProviderContext("prv_smpp", Clock.fixed(NOW, ZoneOffset.UTC),
                URI.create("http://127.0.0.1/hooks/smpp/prv_smpp"), sink), "smpp", config);
        providers.add(provider);
        return provider;
    }

    private static SendRequest sms(String text) {
        return new SendRequest("msg_1", "tnt_1", "sms", "+447700900123", "+447700900001", null, text, null, 1, Map.of());
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    private static String gsmOf(SubmitSm submit) {
        return SmppText.decode(submit.getDataCoding(), submit.getShortMessage(), submit.isUdhi());
    }

    @Test
    void theConfigNeedsHostAndSystemIdAndKeepsSmppLimits() {
        assertThat(ProviderTypes.names()).contains("smpp");
        assertThat(ProviderTypes.validate("smpp", "sms", Map.of("host", "smsc.example.com", "systemId", "parley"))).isEmpty();
        assertThat(ProviderTypes.secretFields("smpp")).containsExactly("password");
        assertThat(ProviderTypes.validate("smpp", "email", Map.of("host", "h", "systemId", "s")))
                .extracting(FieldError::field).containsExactly("channel");
        assertThat(ProviderTypes.validate("smpp", "sms", Map.of())).extracting(FieldError::field)
                .containsExactlyInAnyOrder("config.host", "config.systemId");
        assertThat(ProviderTypes.validate("smpp", "sms", Map.of("host", "h", "systemId", "s", "password", "nine chars",
                "windowSize", 0, "sourceTon", 7, "port", "2775"))).extracting(FieldError::field)
                .containsExactlyInAnyOrder("config.password", "config.windowSize", "config.sourceTon", "config.port");
        assertThat(ProviderTypes.validate("smpp", "sms", Map.of("host", "h", "systemId", "s", "destNpi", 2,
                "reconnectMinMs", 5_000, "reconnectMaxMs", 1_000))).extracting(FieldError::field)
                .containsExactlyInAnyOrder("config.destNpi", "config.reconnectMaxMs");
    }

    @Test
    void aShortGsmTextIsOneSubmitToTheE164NumberWithAReceiptRequested() throws Exception {
        SmppSmsc smsc = smsc();
        SendResult result = provider(smsc).send(sms("Hello @ £5 {ok}"));

        assertThat(result).isEqualTo(new SendResult.Accepted("smsc-1"));
        assertThat(smsc.submits).hasSize(1);
        SubmitSm submit = smsc.submits.getFirst();
        assertThat(submit.getDestAddress()).isEqualTo("447700900123");
        assertThat(new int[] {submit.getDestAddrTon(), submit.getDestAddrNpi(), submit.getSourceAddrTon(), submit.getSourceAddrNpi()})
                .containsExactly(1, 1, 1, 1);
        assertThat(submit.getSourceAddr()).isEqualTo("447700900001");
        assertThat(submit.getDataCoding()).isEqualTo((byte) 0);
        assertThat(submit.isUdhi()).isFalse();
        assertThat(submit.getRegisteredDelivery()).isEqualTo((byte) 1);
        assertThat(gsmOf(submit)).isEqualTo("Hello @ £5 {ok}");
    }

    @Test
    void anAlphanumericSenderGoesWithTonFiveNpiZero() throws Exception {
        SmppSmsc smsc = smsc();
        SendRequest request = new SendRequest("msg_1", "tnt_1", "sms", "+447700900123", "Parley", null, "Hi", null, 1, Map.of());

        assertThat(provider(smsc).send(request)).isInstanceOf(SendResult.Accepted.class);
        SubmitSm submit = smsc.submits.getFirst();
        assertThat(submit.getSourceAddr()).isEqualTo("Parley");
        assertThat(new int[] {submit.getSourceAddrTon(), submit.getSourceAddrNpi()}).containsExactly(5, 0);
    }

    @Test
    void aWrongPasswordAnswersProviderSoTheCircuitOpensAndBindingIsRetried() throws Exception {
        SmppSmsc smsc = smsc();
        Provider provider = provider(smsc, "password", "wrong");

        SendResult result = provider.send(sms("Hello"));

        assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
            assertThat(r.errorClass()).isEqualTo(ErrorClass.PROVIDER);
            assertThat(r.code()).isEqualTo("bind-refused");
            assertThat(r.reason()).contains("ESME_RINVPASWD");
        });
        await("the adapter tried to bind three times", () -> smsc.bindAttempts.get() >= 3);
        assertThat(smsc.submits).isEmpty();
    }

    @Test
    void aThrottledOrFullSmscIsTransient() throws Exception {
        SmppSmsc smsc = smsc();
        Provider provider = provider(smsc);
        smsc.answer = submit -> {
            throw new ProcessRequestException("slow down", SMPPConstant.STAT_ESME_RTHROTTLED);
        };
        assertThat(provider.send(sms("Hello"))).isEqualTo(new SendResult.Rejected(ErrorClass.TRANSIENT, "smpp-0x58",
                "submit_sm refused: ESME_RTHROTTLED (0x58)", null));

        smsc.answer = submit -> {
            throw new ProcessRequestException("queue full", SMPPConstant.STAT_ESME_RMSGQFUL);
        };
        assertThat(provider.send(sms("Hello"))).extracting(r -> ((SendResult.Rejected) r).errorClass())
                .isEqualTo(ErrorClass.TRANSIENT);
    }

    @Test
    void anInvalidDestinationIsPermanent() throws Exception {
        SmppSmsc smsc = smsc();
        smsc.answer = submit -> {
            throw new ProcessRequestException("no such number", SMPPConstant.STAT_ESME_RINVDSTADR);
        };

        SendResult result = provider(smsc).send(sms("Hello"));

        assertThat(result).isEqualTo(new SendResult.Rejected(ErrorClass.PERMANENT, "smpp-0xB",
                "submit_sm refused: ESME_RINVDSTADR (0xB)", null));
    }

    @Test
    void aDestinationThatIsNotANumberIsPermanentAndNothingIsSent() throws Exception {
        SmppSmsc smsc = smsc();
        SendRequest request = new SendRequest("msg_1", "tnt_1", "sms", "someone@example.com", null, null, "Hi", null, 1, Map.of());

        assertThat(provider(smsc).send(request)).extracting(r -> ((SendResult.Rejected) r).errorClass())
                .isEqualTo(ErrorClass.PERMANENT);
        assertThat(smsc.submits).isEmpty();
    }

    @Test
    void aLongGsmTextArrivesAsConcatenatedPartsThatNeverSplitAnEscapePair() throws Exception {
        SmppSmsc smsc = smsc();
        String text = "x".repeat(152) + "€" + "Long message with {braces} and [brackets]. ".repeat(6);

        SendResult result = provider(smsc).send(sms(text));

        List<SubmitSm> parts = smsc.submits;
        assertThat(parts).hasSizeGreaterThan(2);
        assertThat(result).isEqualTo(new SendResult.Accepted("smsc-" + parts.size()));
        assertThat(reassembled(parts, true)).isEqualTo(text);
        byte[] first = parts.getFirst().getShortMessage();
        assertThat(first).hasSize(6 + 152);
        assertThat(first[first.length - 1]).isNotEqualTo((byte) 0x1B);
        for (SubmitSm part : parts) {
            assertThat(part.getDataCoding()).isEqualTo((byte) 0);
            assertThat(part.getShortMessage().length - 6).isLessThanOrEqualTo(153);
        }
    }

    @Test
    void aLongUcs2TextArrivesAsConcatenatedPartsThatNeverSplitASurrogatePair() throws Exception {
        SmppSmsc smsc = smsc();
        String text = "Привет ".repeat(9) + "abc" + "😀" + "мир ".repeat(30);
        assertThat(text.indexOf("😀")).as("the pair would be UTF-16 units 67 and 68").isEqualTo(66);

        SendResult result = provider(smsc).send(sms(text));

        List<SubmitSm> parts = smsc.submits;
        assertThat(parts).hasSize(3);
        assertThat(result).isEqualTo(new SendResult.Accepted("smsc-3"));
        assertThat(reassembled(parts, false)).isEqualTo(text);
        assertThat(parts.getFirst().getShortMessage()).hasSize(6 + 2 * 66);
        for (SubmitSm part : parts) {
            assertThat(part.getDataCoding()).isEqualTo((byte) 8);
            assertThat(part.getShortMessage().length - 6).isLessThanOrEqualTo(134).isEven();
            String body = new String(part.getShortMessage(), 6, part.getShortMessage().length - 6, StandardCharsets.UTF_16BE);
            assertThat(Character.isHighSurrogate(body.charAt(body.length() - 1))).isFalse();
        }
    }

    /** Checks each part's UDH (IEI 0, one reference, count, number) and receipt request, and joins the texts. */
    private static String reassembled(List<SubmitSm> parts, boolean gsm) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        byte reference = parts.getFirst().getShortMessage()[3];
        for (int i = 0; i < parts.size(); i++) {
            SubmitSm part = parts.get(i);
            byte[] octets = part.getShortMessage();
            assertThat(part.isUdhi()).isTrue();
            assertThat(new byte[] {octets[0], octets[1], octets[2], octets[3], octets[4], octets[5]})
                    .containsExactly(5, 0, 3, reference, parts.size(), i + 1);
            assertThat(part.getRegisteredDelivery()).isEqualTo((byte) (i == parts.size() - 1 ? 1 : 0));
            joined.write(octets, 6, octets.length - 6);
        }
        byte[] body = joined.toByteArray();
        return gsm ? SmppText.decode((byte) 0, body, false) : new String(body, StandardCharsets.UTF_16BE);
    }

    @Test
    void aLaterPartFailingAfterEarlierPartsWereAcceptedIsAmbiguous() throws Exception {
        SmppSmsc smsc = smsc();
        AtomicInteger n = new AtomicInteger();
        smsc.answer = submit -> {
            if (n.incrementAndGet() == 2) {
                throw new ProcessRequestException("slow down", SMPPConstant.STAT_ESME_RTHROTTLED);
            }
            return "smsc-" + n.get();
        };

        SendResult result = provider(smsc).send(sms("y".repeat(400)));

        assertThat(result).isInstanceOfSatisfying(SendResult.Ambiguous.class,
                a -> assertThat(a.reason()).startsWith("part 2 of 3 failed after earlier parts were accepted"));
        assertThat(smsc.submits).hasSize(2);
    }

    @Test
    void aReceiptForTheReturnedIdIsPublishedBeforeItIsAcknowledged() throws Exception {
        SmppSmsc smsc = smsc();
        Provider provider = provider(smsc);
        String id = ((SendResult.Accepted) provider.send(sms("Hello"))).providerMessageId();

        smsc.deliver(0x04, "447700900123", "447700900001", (byte) 0, ("id:" + id + " sub:001 dlvrd:001 submit date:2503011200"
                + " done date:2503011201 stat:DELIVRD err:000 text:Hello").getBytes(StandardCharsets.US_ASCII));

        assertThat(events).containsExactly(new ProviderEvent.Receipt(id, true, "stat:DELIVRD err:000 done:2503011201", null));
    }

    @Test
    void receiptTlvsWinOverTheTextAndIntermediateStatesAreProgress() throws Exception {
        SmppSmsc smsc = smsc();
        Provider provider = provider(smsc);
        provider.send(sms("Hello"));

        smsc.deliver(0x04, "447700900123", "447700900001", (byte) 0,
                "id:123 sub:001 dlvrd:000 stat:DELIVRD err:000 text:".getBytes(StandardCharsets.US_ASCII),
                new OptionalParameter.Receipted_message_id("smsc-1"), new OptionalParameter.Message_state((byte) 5));
        smsc.deliver(0x04, "447700900123", "447700900001", (byte) 0,
                "id:smsc-1 sub:001 dlvrd:000 stat:ENROUTE err:000".getBytes(StandardCharsets.US_ASCII));

        assertThat(events).containsExactly(
                new ProviderEvent.Receipt("smsc-1", false, "stat:UNDELIV err:000", null),
                new ProviderEvent.Engagement("smsc-1", "progress", "stat:ENROUTE err:000", null));
    }

    @Test
    void aDeliverSmThatCannotBeStoredIsAnsweredWithAnErrorSoTheSmscRedelivers() throws Exception {
        SmppSmsc smsc = smsc();
        provider(smsc).send(sms("Hello"));
        storeFailure = new IllegalStateException("database down");

        assertThatThrownBy(() -> smsc.deliver(0x04, "447700900123", "447700900001", (byte) 0,
                "id:smsc-1 sub:001 dlvrd:001 stat:DELIVRD err:000".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(NegativeResponseException.class,
                        e -> assertThat(e.getCommandStatus()).isEqualTo(SMPPConstant.STAT_ESME_RSYSERR));
        assertThat(events).isEmpty();
    }

    @Test
    void anInboundMessageIsPublishedWithE164AddressesAndDecodedText() throws Exception {
        SmppSmsc smsc = smsc();
        provider(smsc).send(sms("Hello"));

        smsc.deliver(0, "447700900123", "447700900001", (byte) 0, SmppText.encode("STOP @ £ {now}", 0).parts().getFirst());
        smsc.deliver(0, "447700900123", "447700900001", (byte) 8, "Спасибо 😀".getBytes(StandardCharsets.UTF_16BE));

        assertThat(events).containsExactly(
                new ProviderEvent.Inbound("sms", null, "+447700900123", "+447700900001", "STOP @ £ {now}", NOW),
                new ProviderEvent.Inbound("sms", null, "+447700900123", "+447700900001", "Спасибо 😀", NOW));
    }

    @Test
    void afterTheSmscGoesAwaySendsAreTransientAndTheAdapterReconnectsWhenItComesBack() throws Exception {
        SmppSmsc smsc = smsc();
        Provider provider = provider(smsc);
        assertThat(provider.send(sms("before"))).isInstanceOf(SendResult.Accepted.class);
        int port = smsc.port;

        smsc.close();
        await("sends are refused while the SMSC is away", () -> provider.send(sms("during")) instanceof SendResult.Rejected r
                && r.errorClass() == ErrorClass.TRANSIENT);

        SmppSmsc back = smsc(port);
        await("the adapter is bound again", back::isBound);
        assertThat(provider.send(sms("after"))).isEqualTo(new SendResult.Accepted("smsc-1"));
        assertThat(back.submits).extracting(SmppProviderTest::gsmOf).containsExactly("after");
    }

    @Test
    void anIdleBindIsKeptAliveWithEnquireLink() throws Exception {
        SmppSmsc smsc = smsc();
        Provider provider = provider(smsc, "enquireLinkSeconds", 1);
        assertThat(provider.send(sms("Hello"))).isInstanceOf(SendResult.Accepted.class);

        await("the adapter sent enquire_link", () -> smsc.enquireLinks.get() >= 1);
        assertThat(provider.send(sms("still bound"))).isEqualTo(new SendResult.Accepted("smsc-2"));
    }

    @Test
    void aSubmitTheSmscNeverAnswersIsAmbiguousAfterTheSubmitTimeout() throws Exception {
        SmppSmsc smsc = smsc();
        Provider provider = provider(smsc, "submitTimeoutMs", 300);
        smsc.hold();

        SendResult result = provider.send(sms("Hello"));

        assertThat(result).isEqualTo(new SendResult.Ambiguous("no submit_sm_resp within 300 ms"));
        assertThat(smsc.submits).hasSize(1);
    }

    @Test
    void theBackOffDoublesFromTheMinimumAndIsCappedNeverBelowTheMinimum() {
        for (int failures = 0; failures < 40; failures++) {
            long delay = SmppLink.backoffMillis(failures, 100, 2_000);
            long ceiling = Math.min(2_000, 100L << Math.min(failures, 30));
            assertThat(delay).isBetween(Math.max(100, ceiling / 2), ceiling);
        }
    }

    @Test
    void noMoreThanWindowSizeSubmitsAreOutstanding() throws Exception {
        SmppSmsc smsc = smsc();
        Provider provider = provider(smsc, "windowSize", 2, "submitTimeoutMs", 10_000);
        provider.send(sms("bind first"));
        smsc.hold();
        List<Future<SendResult>> sends = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 5; i++) {
                sends.add(threads.submit(() -> provider.send(sms("windowed"))));
            }
            for (int remaining = 5; remaining > 0; remaining--) {
                int expected = Math.min(2, remaining);
                await(expected + " submits outstanding", () -> smsc.outstanding() == expected);
                smsc.release(1);
            }
            for (Future<SendResult> send : sends) {
                assertThat(send.get()).isInstanceOf(SendResult.Accepted.class);
            }
        }
        assertThat(smsc.submits).hasSize(6);
        assertThat(smsc.maxOutstanding()).isEqualTo(2);
    }
}

package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.Failure;
import dev.parley.providers.ProviderEvent.Engagement;
import dev.parley.providers.ProviderEvent.Inbound;
import dev.parley.providers.ProviderEvent.Receipt;
import dev.parley.providers.WebhookReceiver.HookReply;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code twilio} adapter's {@link WebhookReceiver}: callbacks shaped like Twilio's, signed as Twilio
 * signs them ({@link TwilioSignature}, itself checked against Twilio's documented example).
 */
class TwilioWebhookTest {
    private static final String HOOKS = "https://parley.example/hooks/twilio/prv_tw";
    private static final String SID = "SM" + "1".repeat(32);

    private final Provider provider = ProviderTypes.create("prv_tw", "twilio", Map.of(
            "accountSid", TwilioProviderTest.SID, "authToken", TwilioProviderTest.TOKEN, "from", "+15005550006"));
    private final WebhookReceiver receiver = (WebhookReceiver) provider;

    @AfterEach
    void close() {
        provider.close();
    }

    private static Map<String, List<String>> status(String messageStatus, String... more) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("SmsSid", List.of(SID));
        params.put("SmsStatus", List.of(messageStatus));
        params.put("MessageStatus", List.of(messageStatus));
        params.put("To", List.of("+447700900123"));
        params.put("MessageSid", List.of(SID));
        params.put("AccountSid", List.of(TwilioProviderTest.SID));
        params.put("From", List.of("+15005550006"));
        params.put("ApiVersion", List.of("2010-04-01"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            params.put(more[i], List.of(more[i + 1]));
        }
        return params;
    }

    private static Map<String, List<String>> inbound() {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("MessageSid", List.of("SM" + "2".repeat(32)));
        params.put("AccountSid", List.of(TwilioProviderTest.SID));
        params.put("From", List.of("+447700900123"));
        params.put("To", List.of("+15005550006"));
        params.put("Body", List.of("Stop sending me these, thanks"));
        params.put("NumMedia", List.of("0"));
        return params;
    }

    private static HookRequest signed(String kind, Map<String, List<String>> params, String token, String signedUrl) {
        String url = HOOKS + "/" + kind;
        String signature = TwilioSignature.sign(token, signedUrl == null ? url : signedUrl, params);
        return request(kind, url, TwilioForm.encode(params), signature);
    }

    private static HookRequest signed(String kind, Map<String, List<String>> params) {
        return signed(kind, params, TwilioProviderTest.TOKEN, null);
    }

    private static HookRequest request(String kind, String url, String body, String signature) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of("application/x-www-form-urlencoded"));
        if (signature != null) {
            headers.put("x-twilio-signature", List.of(signature));
        }
        return new HookRequest(kind, url, "POST", headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deliveredIsAPositiveReceiptAnsweredWithNoContent() {
        HookReply reply = receiver.receive(signed("status", status("delivered")));
        assertThat(reply.events()).containsExactly(new Receipt(SID, true, "delivered", null));
        assertThat(reply.contentType()).isNull();
        assertThat(reply.body()).isNull();
    }

    @Test
    void undeliveredAndFailedAreNegativeReceiptsWithTheErrorCode() {
        assertThat(receiver.receive(signed("status", status("undelivered", "ErrorCode", "30003"))).events())
                .containsExactly(new Receipt(SID, false, "undelivered (Twilio error 30003)", null));
        assertThat(receiver.receive(signed("status", status("failed", "ErrorCode", "30008"))).events())
                .containsExactly(new Receipt(SID, false, "failed (Twilio error 30008)", null));
    }

    @Test
    void intermediateStatesAreProgressAndReadIsAnOpen() {
        for (String state : List.of("queued", "sending", "sent", "accepted", "scheduled")) {
            assertThat(receiver.receive(signed("status", status(state))).events()).as(state)
                    .containsExactly(new Engagement(SID, "progress", state, null));
        }
        assertThat(receiver.receive(signed("status", status("read"))).events())
                .containsExactly(new Engagement(SID, "opened", "read", null));
    }

    @Test
    void anInboundMessageIsReadAndAnsweredWithEmptyTwiml() {
        HookReply reply = receiver.receive(signed("inbound", inbound()));
        assertThat(reply.events()).containsExactly(new Inbound("sms", "SM" + "2".repeat(32), "+447700900123",
                "+15005550006", "Stop sending me these, thanks", null));
        assertThat(reply.contentType()).isEqualTo("text/xml");
        assertThat(reply.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
    }

    @Test
    void anUnsignedCallbackIsUnauthenticated() {
        HookRequest unsigned = request("status", HOOKS + "/status", TwilioForm.encode(status("delivered")), null);
        assertThatThrownBy(() -> receiver.receive(unsigned)).isInstanceOf(Failure.Unauthenticated.class);
    }

    @Test
    void aForgedCallbackIsUnauthenticated() {
        assertThatThrownBy(() -> receiver.receive(signed("status", status("delivered"), "someone-elses-token", null)))
                .isInstanceOf(Failure.Unauthenticated.class);
        assertThatThrownBy(() -> receiver.receive(signed("status", status("delivered"), TwilioProviderTest.TOKEN,
                "https://parley.example/hooks/twilio/prv_other/status"))).isInstanceOf(Failure.Unauthenticated.class);

        HookRequest genuine = signed("status", status("undelivered"));
        String tampered = TwilioForm.encode(status("delivered"));
        HookRequest altered = request("status", genuine.url(), tampered, genuine.header("X-Twilio-Signature"));
        assertThatThrownBy(() -> receiver.receive(altered)).isInstanceOf(Failure.Unauthenticated.class);
    }

    @Test
    void aStatusSignatureDoesNotPassAsAnInbound() {
        HookRequest status = signed("status", inbound());
        HookRequest moved = request("inbound", HOOKS + "/inbound", new String(status.body(), StandardCharsets.UTF_8),
                status.header("X-Twilio-Signature"));
        assertThatThrownBy(() -> receiver.receive(moved)).isInstanceOf(Failure.Unauthenticated.class);
    }

    @Test
    void aSignatureOverTheUrlWithItsDefaultPortIsAccepted() {
        HookReply reply = receiver.receive(signed("status", status("delivered"), TwilioProviderTest.TOKEN,
                "https://parley.example:443/hooks/twilio/prv_tw/status"));
        assertThat(reply.events()).hasSize(1);
    }

    @Test
    void aReplayedCallbackReadsTheSameSoDeduplicationCanHappenDownstream() {
        HookRequest once = signed("status", status("delivered"));
        assertThat(receiver.receive(once).events()).isEqualTo(receiver.receive(once).events());
    }

    @Test
    void statusesOutOfOrderAreReadAsTheyCome() {
        assertThat(receiver.receive(signed("status", status("delivered"))).events())
                .containsExactly(new Receipt(SID, true, "delivered", null));
        assertThat(receiver.receive(signed("status", status("sent"))).events())
                .containsExactly(new Engagement(SID, "progress", "sent", null));
    }

    @Test
    void aSignedCallbackWithoutMessageSidOrStatusIsInvalid() {
        Map<String, List<String>> noSid = status("delivered");
        noSid.remove("MessageSid");
        assertThatThrownBy(() -> receiver.receive(signed("status", noSid))).isInstanceOf(Failure.Invalid.class)
                .hasMessageContaining("MessageSid");
        Map<String, List<String>> noStatus = status("delivered");
        noStatus.remove("MessageStatus");
        assertThatThrownBy(() -> receiver.receive(signed("status", noStatus))).isInstanceOf(Failure.Invalid.class);
        Map<String, List<String>> noFrom = inbound();
        noFrom.remove("From");
        assertThatThrownBy(() -> receiver.receive(signed("inbound", noFrom))).isInstanceOf(Failure.Invalid.class);
    }

    @Test
    void aBodyThatIsNotFormEncodedIsInvalid() {
        HookRequest broken = request("status", HOOKS + "/status", "MessageSid=%zz", "c2lnbmF0dXJl");
        assertThatThrownBy(() -> receiver.receive(broken)).isInstanceOf(Failure.Invalid.class);
    }

    @Test
    void anUnknownKindIsNotFound() {
        assertThatThrownBy(() -> receiver.receive(signed("events", status("delivered")))).isInstanceOf(Failure.NotFound.class);
    }

    @Test
    void aGetWebhookIsVerifiedOverItsUrlAndReadFromTheQuery() {
        String url = HOOKS + "/inbound?" + TwilioForm.encode(inbound());
        String signature = TwilioSignature.sign(TwilioProviderTest.TOKEN, url, Map.of());
        HookRequest get = new HookRequest("inbound", url, "GET", Map.of("x-twilio-signature", List.of(signature)), new byte[0]);
        assertThat(receiver.receive(get).events()).singleElement().isInstanceOf(Inbound.class);

        HookRequest changed = new HookRequest("inbound", url.replace("thanks", "please"), "GET",
                Map.of("x-twilio-signature", List.of(signature)), new byte[0]);
        assertThatThrownBy(() -> receiver.receive(changed)).isInstanceOf(Failure.Unauthenticated.class);
    }
}

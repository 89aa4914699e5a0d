package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.Failure;
import dev.parley.providers.ProviderEvent.Engagement;
import dev.parley.providers.ProviderEvent.Receipt;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SendGrid's Signed Event Webhook: verified as SendGrid documents it, then read into Parley's events. */
class SendGridWebhookTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String EVENTS = """
            [{"email":"ada@example.com","timestamp":1772366402,"event":"delivered","response":"250 2.0.0 OK",
              "sg_event_id":"ZGVsaXZlcmVk","sg_message_id":"W6A7Bl4gR2aGl5Xq9pXhNw.filterdrecv-5645d9c87f-l9p2x-1-62E3D8A2-3.0",
              "parley_message_id":"msg_01HX"},
             {"email":"ada@example.com","timestamp":1772366400,"event":"processed",
              "sg_message_id":"W6A7Bl4gR2aGl5Xq9pXhNw.filterdrecv-5645d9c87f-l9p2x-1-62E3D8A2-3.0"},
             {"email":"bo@example.com","timestamp":1772366403,"event":"bounce","type":"bounce","status":"5.1.1",
              "reason":"550 5.1.1 The email account does not exist","sg_message_id":"Xx1.recvd-abc-1-0"},
             {"email":"cy@example.com","timestamp":1772366404,"event":"dropped","reason":"Bounced Address","sg_message_id":"Yy2.filter1"},
             {"email":"ada@example.com","timestamp":1772366401,"event":"deferred","response":"400 try again later","sg_message_id":"Zz3.f"},
             {"email":"ada@example.com","timestamp":1772366405,"event":"open","sg_machine_open":false,"sg_message_id":"W6A7Bl4gR2aGl5Xq9pXhNw.f"},
             {"email":"ada@example.com","timestamp":1772366406,"event":"click","url":"https://example.com/spring","sg_message_id":"W6A7Bl4gR2aGl5Xq9pXhNw.f"},
             {"email":"ada@example.com","timestamp":1772366407,"event":"unsubscribe","sg_message_id":"W6A7Bl4gR2aGl5Xq9pXhNw.f"},
             {"email":"ada@example.com","timestamp":1772366408,"event":"group_unsubscribe","asm_group_id":42,"sg_message_id":"W6A7Bl4gR2aGl5Xq9pXhNw.f"},
             {"email":"ada@example.com","timestamp":1772366409,"event":"spamreport","sg_message_id":"W6A7Bl4gR2aGl5Xq9pXhNw.f"},
             {"email":"ada@example.com","timestamp":1772366410,"event":"group_resubscribe","sg_message_id":"W6A7Bl4gR2aGl5Xq9pXhNw.f"},
             {"event":"account_status_change","type":"compliance_suspend","timestamp":1772366411}]
            """;

    private final KeyPair sendGrid = keyPair();
    private Provider provider;

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private WebhookReceiver receiver(String publicKey, Instant now) {
        Map<String, Object> config = new HashMap<>(Map.of("apiKey", "SG.k"));
        if (publicKey != null) {
            config.put("webhookPublicKey", publicKey);
        }
        provider = ProviderTypes.create(new ProviderContext("prv_sg", Clock.fixed(now, ZoneOffset.UTC),
                URI.create("http://127.0.0.1/hooks/sendgrid/prv_sg"), ProviderEvents.NONE), "sendgrid", config);
        return (WebhookReceiver) provider;
    }

    private WebhookReceiver receiver() {
        return receiver(base64(sendGrid.getPublic().getEncoded()), NOW);
    }

    private static HookRequest hook(String signature, String timestamp, String body) {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("content-type", List.of("application/json"));
        if (signature != null) {
            headers.put("x-twilio-email-event-webhook-signature", List.of(signature));
        }
        if (timestamp != null) {
            headers.put("x-twilio-email-event-webhook-timestamp", List.of(timestamp));
        }
        return new HookRequest("events", "https://parley.example/hooks/sendgrid/prv_sg/events", "POST", headers,
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static HookRequest signed(PrivateKey key, Instant at, String body) {
        String timestamp = String.valueOf(at.getEpochSecond());
        return hook(sign(key, timestamp, body), timestamp, body);
    }

    @Test
    void aSignedBatchIsReadInItsOwnOrderWithIdsThatMatchTheSendAnswer() {
        List<ProviderEvent> events = receiver().receive(signed(sendGrid.getPrivate(), NOW, EVENTS)).events();

        String id = "W6A7Bl4gR2aGl5Xq9pXhNw";
        assertThat(events).containsExactly(
                new Receipt(id, true, "250 2.0.0 OK", Instant.ofEpochSecond(1772366402)),
                new Engagement(id, "progress", "processed", Instant.ofEpochSecond(1772366400)),
                new Receipt("Xx1", false, "bounce: 5.1.1: 550 5.1.1 The email account does not exist", Instant.ofEpochSecond(1772366403)),
                new Receipt("Yy2", false, "dropped: Bounced Address", Instant.ofEpochSecond(1772366404)),
                new Engagement("Zz3", "progress", "deferred: 400 try again later", Instant.ofEpochSecond(1772366401)),
                new Engagement(id, "opened", null, Instant.ofEpochSecond(1772366405)),
                new Engagement(id, "clicked", "https://example.com/spring", Instant.ofEpochSecond(1772366406)),
                new Engagement(id, "unsubscribed", null, Instant.ofEpochSecond(1772366407)),
                new Engagement(id, "unsubscribed", "group: 42", Instant.ofEpochSecond(1772366408)),
                new Engagement(id, "spamReport", null, Instant.ofEpochSecond(1772366409)));
        assertThat(receiver().receive(signed(sendGrid.getPrivate(), NOW, EVENTS)).contentType()).isNull();
    }

    @Test
    void sendGridsOwnPublishedTestVectorVerifies() {
        String key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
        String signature = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
        String payload = "{\"category\":\"example_payload\",\"event\":\"test_event\",\"message_id\":\"message_id\"}";
        WebhookReceiver receiver = receiver(key, Instant.ofEpochSecond(1588788367));

        // The vector's payload is one object, not SendGrid's array: authentic but not understood, so Invalid, not Unauthenticated.
        assertThatThrownBy(() -> receiver.receive(hook(signature, "1588788367", payload))).isInstanceOf(Failure.Invalid.class);
        assertThatThrownBy(() -> receiver.receive(hook(signature, "1588788368", payload))).isInstanceOf(Failure.Unauthenticated.class);
    }

    @Test
    void aForgedSignatureIsUnauthenticated() {
        KeyPair forger = keyPair();
        assertThatThrownBy(() -> receiver().receive(signed(forger.getPrivate(), NOW, EVENTS)))
                .isInstanceOf(Failure.Unauthenticated.class);
        String timestamp = String.valueOf(NOW.getEpochSecond());
        assertThatThrownBy(() -> receiver().receive(hook("bm90IGEgc2lnbmF0dXJl", timestamp, EVENTS)))
                .isInstanceOf(Failure.Unauthenticated.class);
        assertThatThrownBy(() -> receiver().receive(hook("%%%", timestamp, EVENTS))).isInstanceOf(Failure.Unauthenticated.class);
    }

    @Test
    void missingSignatureHeadersAreUnauthenticated() {
        String timestamp = String.valueOf(NOW.getEpochSecond());
        String signature = sign(sendGrid.getPrivate(), timestamp, EVENTS);
        assertThatThrownBy(() -> receiver().receive(hook(null, timestamp, EVENTS))).isInstanceOf(Failure.Unauthenticated.class);
        assertThatThrownBy(() -> receiver().receive(hook(signature, null, EVENTS))).isInstanceOf(Failure.Unauthenticated.class);
        assertThatThrownBy(() -> receiver().receive(hook(null, null, EVENTS))).isInstanceOf(Failure.Unauthenticated.class);
    }

    @Test
    void aBodyAlteredAfterSigningIsUnauthenticated() {
        HookRequest genuine = signed(sendGrid.getPrivate(), NOW, EVENTS);
        String altered = EVENTS.replace("\"delivered\"", "\"bounce\"");
        HookRequest tampered = hook(genuine.header(SendGridSignature.SIGNATURE_HEADER),
                genuine.header(SendGridSignature.TIMESTAMP_HEADER), altered);
        assertThatThrownBy(() -> receiver().receive(tampered)).isInstanceOf(Failure.Unauthenticated.class);
        String otherTimestamp = String.valueOf(NOW.getEpochSecond() + 1);
        assertThatThrownBy(() -> receiver().receive(hook(genuine.header(SendGridSignature.SIGNATURE_HEADER), otherTimestamp, EVENTS)))
                .isInstanceOf(Failure.Unauthenticated.class);
    }

    @Test
    void aSignatureOlderOrNewerThanTheToleranceIsRefusedAsAReplay() {
        Duration justInside = SendGridSignature.TOLERANCE.minusSeconds(5);
        Duration justOutside = SendGridSignature.TOLERANCE.plusSeconds(5);

        assertThat(receiver().receive(signed(sendGrid.getPrivate(), NOW.minus(justInside), EVENTS)).events()).hasSize(10);
        assertThat(receiver().receive(signed(sendGrid.getPrivate(), NOW.plus(justInside), EVENTS)).events()).hasSize(10);
        assertThatThrownBy(() -> receiver().receive(signed(sendGrid.getPrivate(), NOW.minus(justOutside), EVENTS)))
                .isInstanceOf(Failure.Unauthenticated.class).hasMessageContaining("replay");
        assertThatThrownBy(() -> receiver().receive(signed(sendGrid.getPrivate(), NOW.plus(justOutside), EVENTS)))
                .isInstanceOf(Failure.Unauthenticated.class);
        assertThatThrownBy(() -> receiver().receive(hook(sign(sendGrid.getPrivate(), "soon", EVENTS), "soon", EVENTS)))
                .isInstanceOf(Failure.Unauthenticated.class);
    }

    @Test
    void withoutAConfiguredKeyNothingVerifies() {
        WebhookReceiver receiver = receiver(null, NOW);
        assertThatThrownBy(() -> receiver.receive(signed(sendGrid.getPrivate(), NOW, EVENTS)))
                .isInstanceOf(Failure.Unauthenticated.class).hasMessageContaining("webhookPublicKey");
    }

    @Test
    void signedButMalformedBodiesAreInvalid() {
        for (String body : List.of("not json", "{\"event\":\"delivered\"}", "[1]", "[{\"event\":7}]", "")) {
            assertThatThrownBy(() -> receiver().receive(signed(sendGrid.getPrivate(), NOW, body))).as(body)
                    .isInstanceOf(Failure.Invalid.class);
        }
        assertThat(receiver().receive(signed(sendGrid.getPrivate(), NOW, "[]")).events()).isEmpty();
    }

    @Test
    void onlyTheEventsCallbackExists() {
        HookRequest genuine = signed(sendGrid.getPrivate(), NOW, EVENTS);
        HookRequest status = new HookRequest("status", genuine.url(), "POST", genuine.headers(), genuine.body());
        assertThatThrownBy(() -> receiver().receive(status)).isInstanceOf(Failure.NotFound.class);
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(PrivateKey key, String timestamp, String body) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
            return base64(signer.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}

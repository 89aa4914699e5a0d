package dev.parley.providers;

import dev.parley.core.Failure;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Verifies SendGrid's Signed Event Webhook as SendGrid documents it: an ECDSA P-256 signature with
 * SHA-256 ({@code SHA256withECDSA}, DER-encoded, base64) in {@code X-Twilio-Email-Event-Webhook-Signature}
 * over the bytes of {@code X-Twilio-Email-Event-Webhook-Timestamp} followed by the raw body bytes, checked
 * with the account's verification key (base64 of a DER SubjectPublicKeyInfo, as SendGrid shows it).
 *
 * <p>The one thing to know: SendGrid documents no freshness window, so Parley chooses one,
 * {@link #TOLERANCE} either side of its clock, to refuse replays of old captured requests. The body is
 * verified as bytes, never re-serialised JSON.
 */
final class SendGridSignature {
    static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
    static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";
    static final Duration TOLERANCE = Duration.ofMinutes(10);
    private static final Pattern SECONDS = Pattern.compile("\\d{1,12}");
    private static final Pattern PEM_ARMOUR = Pattern.compile("-----(BEGIN|END) PUBLIC KEY-----|\\s+");

    private final PublicKey key;

    /** @param verificationKey the key SendGrid shows, or null when none is configured (then nothing verifies) */
    SendGridSignature(String verificationKey) {
        this.key = verificationKey == null ? null : parseKey(verificationKey);
    }

    /** The P-256 public key in {@code text}; throws {@link IllegalArgumentException} saying what is wrong. */
    static PublicKey parseKey(String text) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(PEM_ARMOUR.matcher(text).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not base64");
        }
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException("is not a P-256 public key");
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("is not an EC public key");
        }
    }

    /** Returns normally when the request is SendGrid's, signed within {@link #TOLERANCE} of {@code now}. */
    void verify(HookRequest request, Instant now) {
        if (key == null) {
            throw new Failure.Unauthenticated("config.webhookPublicKey is not set, so no SendGrid event can be verified");
        }
        String signature = request.header(SIGNATURE_HEADER);
        String timestamp = request.header(TIMESTAMP_HEADER);
        if (signature == null || timestamp == null) {
            throw new Failure.Unauthenticated("missing " + (signature == null ? SIGNATURE_HEADER : TIMESTAMP_HEADER));
        }
        if (!SECONDS.matcher(timestamp.strip()).matches()) {
            throw new Failure.Unauthenticated(TIMESTAMP_HEADER + " is not a Unix time");
        }
        if (!signatureMatches(signature.strip(), timestamp.strip(), request.body())) {
            throw new Failure.Unauthenticated("the SendGrid signature does not match");
        }
        Instant signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.strip()));
        if (Duration.between(signedAt, now).abs().compareTo(TOLERANCE) > 0) {
            throw new Failure.Unauthenticated("the SendGrid signature is from " + signedAt + ", too far from now (replay?)");
        }
    }

    private boolean signatureMatches(String signature, String timestamp, byte[] body) {
        try {
            byte[] der = Base64.getDecoder().decode(signature);
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
            verifier.update(body == null ? new byte[0] : body);
            return verifier.verify(der);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }
}

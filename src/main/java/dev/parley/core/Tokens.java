package dev.parley.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Random secrets and the one-way forms Parley stores. Session tokens and API keys carry 256 random
 * bits, so a fast SHA-256 is the right hash for them (passwords use {@code PasswordHasher}).
 */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Tokens() {}

    /** {@code bytes} random bytes, base64url without padding, after {@code prefix}. */
    public static String random(String prefix, int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return prefix + URL.encodeToString(b);
    }

    public static String sha256(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * The stored form of a suppressed address: SHA-256 of {@code channel:address}, the address normalised
     * (E.164 phone, lowercased email). Suppressions keep only this after an erasure; the delivery engine
     * matches outgoing messages against it.
     */
    public static String addressHash(String channel, String normalisedAddress) {
        return sha256(channel + ":" + normalisedAddress);
    }

    public static byte[] hmac(byte[] key, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    public static String hmacBase64(byte[] key, String value) {
        return URL.encodeToString(hmac(key, value));
    }

    /** Compares in time independent of where the inputs differ. */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}

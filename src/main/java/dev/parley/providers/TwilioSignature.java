package dev.parley.providers;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's {@code X-Twilio-Signature}: Base64 of HMAC-SHA1, keyed with the account's auth token, over the
 * full URL Twilio called (query string included, exactly as configured) followed by every POST parameter
 * sorted by name, each name immediately followed by its value, with no separators. A name that repeats
 * contributes each of its distinct values, sorted, as Twilio's Python and Node helper libraries do.
 *
 * <p>The one thing easy to get wrong: the URL must be the public one Twilio signed, not the one the
 * server saw behind a proxy. Like Twilio's own helper libraries, {@link #matches} also accepts the URL
 * with its port removed, or with the scheme's default port added when it has none, because Twilio has
 * signed both forms; a signature is never accepted for a different host, path or query.
 */
public final class TwilioSignature {
    public static final String HEADER = "X-Twilio-Signature";
    private static final String HMAC_SHA1 = "HmacSHA1";

    private TwilioSignature() {}

    /** The signature Twilio would send for a POST of {@code params} to {@code url}. */
    public static String sign(String authToken, String url, Map<String, List<String>> params) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, values) -> {
            for (String value : new TreeSet<>(values)) {
                data.append(name).append(value);
            }
        });
        try {
            Mac mac = Mac.getInstance(HMAC_SHA1);
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), HMAC_SHA1));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA1 is unavailable", e);
        }
    }

    /** True when {@code signature} is Twilio's for this URL (or its port variants) and these parameters. */
    public static boolean matches(String authToken, String url, Map<String, List<String>> params, String signature) {
        if (signature == null || signature.isBlank() || authToken == null || authToken.isEmpty()) {
            return false;
        }
        byte[] given = signature.trim().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (String candidate : List.of(url, withoutPort(url), withDefaultPort(url))) {
            match |= MessageDigest.isEqual(sign(authToken, candidate, params).getBytes(StandardCharsets.UTF_8), given);
        }
        return match;
    }

    /** The URL without an explicit port, or unchanged when it has none. */
    static String withoutPort(String url) {
        int[] authority = authority(url);
        if (authority == null) {
            return url;
        }
        int colon = portColon(url, authority);
        return colon < 0 ? url : url.substring(0, colon) + url.substring(authority[1]);
    }

    /** The URL with the scheme's default port (443 for https, else 80) when it names none, else unchanged. */
    static String withDefaultPort(String url) {
        int[] authority = authority(url);
        if (authority == null || portColon(url, authority) >= 0) {
            return url;
        }
        String port = url.regionMatches(true, 0, "https:", 0, 6) ? ":443" : ":80";
        return url.substring(0, authority[1]) + port + url.substring(authority[1]);
    }

    /** Start and end of the authority ({@code user@host:port}), or null when the URL has none. */
    private static int[] authority(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return null;
        }
        start += 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return new int[] {start, end};
    }

    /** The index of the colon before a numeric port in the authority, or -1. */
    private static int portColon(String url, int[] authority) {
        int colon = url.lastIndexOf(':', authority[1] - 1);
        if (colon < authority[0] || colon < url.lastIndexOf(']', authority[1] - 1) || colon == authority[1] - 1) {
            return -1;
        }
        for (int i = colon + 1; i < authority[1]; i++) {
            if (!Character.isDigit(url.charAt(i))) {
                return -1;
            }
        }
        return colon;
    }
}

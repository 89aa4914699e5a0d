package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link TwilioSignature} against the example in Twilio's security documentation ("Validating requests":
 * auth token {@code 12345}, a POST to {@code https://mycompany.com/myapp.php?foo=1&bar=2}) and the port
 * vectors of Twilio's Java helper library's {@code RequestValidatorTest}.
 */
class TwilioSignatureTest {
    private static final String TOKEN = "12345";
    private static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private static final String DOCUMENTED = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    private static Map<String, List<String>> documentedParams() {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("Digits", List.of("1234"));
        params.put("To", List.of("+18005551212"));
        params.put("From", List.of("+14158675309"));
        params.put("Caller", List.of("+14158675309"));
        params.put("CallSid", List.of("CA1234567890ABCDE"));
        return params;
    }

    @Test
    void twiliosDocumentedExampleSignsAndVerifies() {
        assertThat(TwilioSignature.sign(TOKEN, URL, documentedParams())).isEqualTo(DOCUMENTED);
        assertThat(TwilioSignature.matches(TOKEN, URL, documentedParams(), DOCUMENTED)).isTrue();
    }

    @Test
    void theCurrentDocumentationsExampleWithOtherNumbersAlsoVerifies() {
        Map<String, List<String>> params = documentedParams();
        params.put("From", List.of("+12349013030"));
        params.put("Caller", List.of("+12349013030"));
        assertThat(TwilioSignature.matches(TOKEN, URL, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")).isTrue();
    }

    @Test
    void anAlteredParameterIsRejected() {
        Map<String, List<String>> params = documentedParams();
        params.put("Digits", List.of("1235"));
        assertThat(TwilioSignature.matches(TOKEN, URL, params, DOCUMENTED)).isFalse();
    }

    @Test
    void anExtraOrMissingParameterIsRejected() {
        Map<String, List<String>> extra = documentedParams();
        extra.put("Body", List.of("hi"));
        assertThat(TwilioSignature.matches(TOKEN, URL, extra, DOCUMENTED)).isFalse();
        Map<String, List<String>> missing = documentedParams();
        missing.remove("CallSid");
        assertThat(TwilioSignature.matches(TOKEN, URL, missing, DOCUMENTED)).isFalse();
    }

    @Test
    void anAlteredUrlIsRejected() {
        for (String other : List.of("https://mycompany.com/myapp.php?foo=1&bar=3", "https://mycompany.com/myapp.php",
                "https://mycompany.com/myapp.php?bar=2&foo=1", "http://mycompany.com/myapp.php?foo=1&bar=2",
                "https://evil.example/myapp.php?foo=1&bar=2", "https://mycompany.com/other.php?foo=1&bar=2")) {
            assertThat(TwilioSignature.matches(TOKEN, other, documentedParams(), DOCUMENTED)).as(other).isFalse();
        }
    }

    @Test
    void aMissingSignatureOrAnotherTokenIsRejected() {
        assertThat(TwilioSignature.matches(TOKEN, URL, documentedParams(), null)).isFalse();
        assertThat(TwilioSignature.matches(TOKEN, URL, documentedParams(), "")).isFalse();
        assertThat(TwilioSignature.matches("54321", URL, documentedParams(), DOCUMENTED)).isFalse();
        assertThat(TwilioSignature.matches(TOKEN, URL, documentedParams(), "NOT" + DOCUMENTED)).isFalse();
    }

    @Test
    void theUrlIsAcceptedWithItsPortRemovedOrItsDefaultPortAddedAsTwiliosLibrariesDo() {
        assertThat(TwilioSignature.matches(TOKEN, "https://mycompany.com:1234/myapp.php?foo=1&bar=2", documentedParams(),
                DOCUMENTED)).isTrue();
        assertThat(TwilioSignature.matches(TOKEN, URL, documentedParams(), "kvajT1Ptam85bY51eRf/AJRuM3w=")).isTrue();
        String http = URL.replace("https", "http");
        assertThat(TwilioSignature.matches(TOKEN, http, documentedParams(), "0ZXoZLH/DfblKGATFgpif+LLRf4=")).isTrue();
        assertThat(TwilioSignature.matches(TOKEN, http.replace(".com", ".com:1234"), documentedParams(),
                "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")).isTrue();
    }

    @Test
    void portVariantsKeepUserInfoPathAndQuery() {
        assertThat(TwilioSignature.withoutPort("http://127.0.0.1:8080/hooks/x?a=1")).isEqualTo("http://127.0.0.1/hooks/x?a=1");
        assertThat(TwilioSignature.withDefaultPort("https://u:p@host/x")).isEqualTo("https://u:p@host:443/x");
        assertThat(TwilioSignature.withDefaultPort("http://[::1]/x")).isEqualTo("http://[::1]:80/x");
        assertThat(TwilioSignature.withoutPort("http://[::1]:9000")).isEqualTo("http://[::1]");
        assertThat(TwilioSignature.withoutPort("http://host/x:80")).isEqualTo("http://host/x:80");
    }

    @Test
    void repeatedNamesContributeEachDistinctValueInOrder() {
        Map<String, List<String>> repeated = new HashMap<>();
        repeated.put("b", List.of("2"));
        repeated.put("a", List.of("z", "y", "z"));
        Map<String, List<String>> flat = new HashMap<>();
        flat.put("a", List.of("y"));
        flat.put("b", List.of("2"));
        String url = "https://example.com/x";
        assertThat(TwilioSignature.sign(TOKEN, url, repeated)).isEqualTo(signOver(url + "ayazb2"));
        assertThat(TwilioSignature.sign(TOKEN, url, flat)).isEqualTo(signOver(url + "ayb2"));
    }

    private static String signOver(String data) {
        return TwilioSignature.sign(TOKEN, data, Map.of());
    }
}

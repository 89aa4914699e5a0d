package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.Failure;
import dev.parley.core.Failure.FieldError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderTypesTest {
    private List<String> fieldsWithErrors(String type, String channel, Map<String, Object> config) {
        return ProviderTypes.validate(type, channel, config).stream().map(FieldError::field).toList();
    }

    private static Map<String, Object> http(Object... pairs) {
        Map<String, Object> config = new HashMap<>();
        config.put("url", "https://gateway.example.com/send");
        for (int i = 0; i < pairs.length; i += 2) {
            config.put((String) pairs[i], pairs[i + 1]);
        }
        return config;
    }

    @Test
    void goodConfigsHaveNoErrors() {
        assertThat(ProviderTypes.validate("simulator", "sms", Map.of())).isEmpty();
        assertThat(ProviderTypes.validate("simulator", "email", Map.of("latencyMs", 100, "failRate", 0.2, "seed", 9L))).isEmpty();
        assertThat(ProviderTypes.validate("http", "sms", http("authHeader", "X-Api-Key", "authValue", "k",
                "timeoutMs", 5000, "connectTimeoutMs", 1000))).isEmpty();
        assertThat(ProviderTypes.validate("http", "email", http())).isEmpty();
        assertThat(ProviderTypes.names()).containsExactly("http", "sendgrid", "simulator", "smpp", "smtp", "twilio");
    }

    @Test
    void anUnknownOrMissingTypeOrChannelIsNamed() {
        assertThat(ProviderTypes.validate("carrier-pigeon", "sms", Map.of())).extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("type", "invalid"));
        assertThat(ProviderTypes.validate(null, "sms", Map.of())).extracting(FieldError::code).containsExactly("required");
        assertThat(fieldsWithErrors("simulator", "fax", Map.of())).containsExactly("channel");
        assertThat(fieldsWithErrors("http", null, http())).containsExactly("channel");
    }

    @Test
    void unknownSettingsAreErrors() {
        assertThat(ProviderTypes.validate("simulator", "sms", Map.of("latency", 5)))
                .containsExactly(new FieldError("config.latency", "unknown", "unknown setting 'latency'"));
    }

    @Test
    void theHttpUrlIsRequiredAndMustBeHttpOrHttps() {
        assertThat(ProviderTypes.validate("http", "sms", Map.of())).extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("config.url", "required"));
        assertThat(ProviderTypes.validate("http", "sms", null)).extracting(FieldError::field).containsExactly("config.url");
        for (Object bad : List.of("ftp://example.com/x", "gateway.example.com", "http://", "http://exa mple.com",
                "javascript:alert(1)", "https://example.com/#frag", 42, "", "https://x.com/" + "a".repeat(2000))) {
            assertThat(fieldsWithErrors("http", "sms", http("url", bad))).as("%s", bad).containsExactly("config.url");
        }
    }

    @Test
    void ratesMustBeNumbersBetweenZeroAndOneAndTogetherAtMostOne() {
        for (Object bad : List.of(-0.1, 1.5, "0.2", true, Double.NaN)) {
            assertThat(fieldsWithErrors("simulator", "sms", Map.of("failRate", bad))).as("%s", bad)
                    .containsExactly("config.failRate");
        }
        assertThat(ProviderTypes.validate("simulator", "sms", Map.of("failRate", 0.6, "timeoutRate", 0.5)))
                .extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("config", "range"));
    }

    @Test
    void timeoutsMustBePositiveWholeNumbersWithinBounds() {
        for (Object bad : List.of(0, -5, 120_001, 2.5, "1000")) {
            assertThat(fieldsWithErrors("http", "sms", http("timeoutMs", bad))).as("%s", bad).containsExactly("config.timeoutMs");
        }
        assertThat(fieldsWithErrors("http", "sms", http("connectTimeoutMs", 60_001))).containsExactly("config.connectTimeoutMs");
        assertThat(fieldsWithErrors("simulator", "sms", Map.of("latencyMs", -1, "jitterMs", 60_001)))
                .containsExactlyInAnyOrder("config.latencyMs", "config.jitterMs");
    }

    @Test
    void theCredentialHeaderMustBeASafeHeader() {
        for (Object bad : List.of("X Api Key", "Host", "content-length", "", "X-Key:", 7)) {
            assertThat(fieldsWithErrors("http", "sms", http("authHeader", bad))).as("%s", bad).containsExactly("config.authHeader");
        }
        for (Object bad : List.of("abc\r\nX-Injected: 1", "", 12)) {
            assertThat(fieldsWithErrors("http", "sms", http("authValue", bad))).as("%s", bad).containsExactly("config.authValue");
        }
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(fieldsWithErrors("http", "fax", Map.of("url", "ftp://x", "timeoutMs", 0, "extra", 1)))
                .containsExactlyInAnyOrder("channel", "config.url", "config.timeoutMs", "config.extra");
    }

    @Test
    void onlyTheHttpCredentialIsSecret() {
        assertThat(ProviderTypes.secretFields("http")).containsExactly("authValue");
        assertThat(ProviderTypes.secretFields("simulator")).isEmpty();
        assertThat(ProviderTypes.secretFields("nonsense")).isEmpty();
    }

    @Test
    void creatingFromABadConfigFailsWithTheFieldErrors() {
        assertThatThrownBy(() -> ProviderTypes.create("prv_1", "http", Map.of("url", "ftp://x")))
                .isInstanceOf(Failure.Invalid.class)
                .satisfies(e -> assertThat(((Failure.Invalid) e).errors()).extracting(FieldError::field).containsExactly("config.url"));
        assertThatThrownBy(() -> ProviderTypes.create("prv_1", "smoke-signals", Map.of())).isInstanceOf(Failure.Invalid.class);
    }

    @Test
    void eachTypeBuildsItsAdapter() {
        try (Provider sim = ProviderTypes.create("prv_1", "simulator", Map.of()); Provider http = ProviderTypes.create("prv_2", "http", http())) {
            assertThat(sim).isInstanceOf(SimulatorProvider.class);
            assertThat(http).isInstanceOf(HttpProvider.class);
        }
    }
}

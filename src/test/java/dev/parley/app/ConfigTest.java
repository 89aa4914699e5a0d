package dev.parley.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void defaultsFollowTheSpec() {
        Config c = Config.resolve(Map.of(), Map.of());
        assertThat(c.dataDir()).isEqualTo(Path.of("./parley-data"));
        assertThat(c.embedded()).isTrue();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.baseUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(c.dbPoolSize()).isEqualTo(16);
        assertThat(c.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(c.maxImportBytes()).isEqualTo(536_870_912L);
        assertThat(c.apiRate()).isEqualTo(100);
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofHours(12));
        assertThat(c.sendConcurrency()).isEqualTo(2000);
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.role()).isEqualTo("all");
        assertThat(c.logFormat()).isEqualTo("text");
        assertThat(c.trustProxy()).isFalse();
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsDefaults() {
        Config c = Config.resolve(Map.of("PARLEY_PORT", "9000"), Map.of("PARLEY_PORT", "7000", "PARLEY_HOST", "0.0.0.0"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.baseUrl()).isEqualTo("http://0.0.0.0:9000");
    }

    @Test
    void invalidValuesNameTheSetting() {
        assertThatThrownBy(() -> Config.resolve(Map.of(), Map.of("PARLEY_PORT", "abc")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("PARLEY_PORT:");
        assertThatThrownBy(() -> Config.resolve(Map.of(), Map.of("PARLEY_PORT", "70000")))
                .hasMessageStartingWith("PARLEY_PORT:");
        assertThatThrownBy(() -> Config.resolve(Map.of(), Map.of("PARLEY_LEASE", "30s")))
                .hasMessageStartingWith("PARLEY_LEASE:");
        assertThatThrownBy(() -> Config.resolve(Map.of(), Map.of("PARLEY_ROLE", "boss")))
                .hasMessageStartingWith("PARLEY_ROLE:");
        assertThatThrownBy(() -> Config.resolve(Map.of(), Map.of("PARLEY_TRUST_PROXY", "maybe")))
                .hasMessageStartingWith("PARLEY_TRUST_PROXY:");
        assertThatThrownBy(() -> Config.resolve(Map.of(), Map.of("PARLEY_BASE_URL", "ftp://x")))
                .hasMessageStartingWith("PARLEY_BASE_URL:");
        assertThatThrownBy(() -> Config.resolve(Map.of(), Map.of("PARLEY_DB_URL", "jdbc:mysql://x/y")))
                .hasMessageStartingWith("PARLEY_DB_URL:");
        assertThatThrownBy(() -> Config.resolve(Map.of(), Map.of("PARLEY_SECRET", "short")))
                .hasMessageStartingWith("PARLEY_SECRET:");
    }

    @Test
    void postgresqlRequiresASecret() {
        Map<String, String> env = Map.of("PARLEY_DB_URL", "jdbc:postgresql://127.0.0.1:5432/parley");
        assertThatThrownBy(() -> Config.resolve(Map.of(), env)).hasMessageStartingWith("PARLEY_SECRET:");
        Config c = Config.resolve(Map.of("PARLEY_SECRET", "x".repeat(32)), env);
        assertThat(c.embedded()).isFalse();
    }
}

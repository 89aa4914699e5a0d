package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void timestampsAreRfc3339UtcWithMilliseconds() {
        assertThat(Json.write(Map.of("at", Instant.parse("2026-11-21T05:04:46.123456789Z"))))
                .isEqualTo("{\"at\":\"2026-11-21T05:04:46.123Z\"}");
        assertThat(Json.write(Map.of("at", Instant.parse("2026-11-21T05:04:46Z"))))
                .isEqualTo("{\"at\":\"2026-11-21T05:04:46.000Z\"}");
    }
}

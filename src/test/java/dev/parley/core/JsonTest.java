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

    /** Maps of strings are written exactly as Jackson writes them, whatever the characters (random keys and values). */
    @Test
    void writesMapsOfStringsAsJacksonDoes() {
        java.util.Random random = new java.util.Random(9);
        String pool = "aZ09 \"\\/\b\t\n\f\r\u0000\u0001\u001f\u007f\u00e9\u2028\u20ac\ud83d\ude00<>&'";
        for (int m = 0; m < 2_000; m++) {
            Map<String, Object> map = new java.util.LinkedHashMap<>();
            for (int k = random.nextInt(5); k > 0; k--) {
                map.put(text(random, pool), text(random, pool));
            }
            assertThat(Json.writeStrings(map)).isEqualTo(Json.write(map));
        }
        Map<String, Object> mixed = new java.util.LinkedHashMap<>(Map.of("n", 1));
        mixed.put("s", "x");
        assertThat(Json.writeStrings(mixed)).isEqualTo(Json.write(mixed));
    }

    private static String text(java.util.Random random, String pool) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            s.append(pool.charAt(random.nextInt(pool.length())));
        }
        return s.toString();
    }
}

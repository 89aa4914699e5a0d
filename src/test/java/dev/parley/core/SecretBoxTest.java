package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
    private final byte[] key = Tokens.hmac("k".getBytes(), "test");

    @Test
    void sealedTextOpensWithTheSameKeyAndHidesThePlainText() {
        SecretBox box = new SecretBox(key);
        String sealed = box.seal("{\"key\":\"pk_secret\"}");
        assertThat(sealed).startsWith("v1.").doesNotContain("pk_secret");
        assertThat(box.open(sealed)).isEqualTo("{\"key\":\"pk_secret\"}");
        assertThat(box.seal("same")).isNotEqualTo(box.seal("same"));
    }

    @Test
    void anotherKeyOrAlteredTextDoesNotOpen() {
        String sealed = new SecretBox(key).seal("hello");
        byte[] other = Arrays.copyOf(key, 32);
        other[0] ^= 1;
        assertThatThrownBy(() -> new SecretBox(other).open(sealed)).isInstanceOf(IllegalArgumentException.class);
        char c = sealed.charAt(10);
        String altered = sealed.substring(0, 10) + (c == 'A' ? 'B' : 'A') + sealed.substring(11);
        assertThatThrownBy(() -> new SecretBox(key).open(altered)).isInstanceOf(IllegalArgumentException.class);
    }
}

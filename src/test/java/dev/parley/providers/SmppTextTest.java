package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmppTextTest {
    @Test
    void gsmTextUpTo160SeptetsIsOneUnpackedMessage() {
        SmppText.Encoded one = SmppText.encode("a".repeat(160), 7);
        assertThat(one.dataCoding()).isEqualTo(SmppText.GSM7);
        assertThat(one.parts()).hasSize(1);
        assertThat(one.parts().getFirst()).hasSize(160);

        SmppText.Encoded escaped = SmppText.encode("€".repeat(80), 7);
        assertThat(escaped.parts()).hasSize(1);
        assertThat(escaped.parts().getFirst()).hasSize(160);
        assertThat(SmppText.encode("€".repeat(81), 7).parts()).hasSize(2);
    }

    @Test
    void gsmTextOver160SeptetsSplitsInto153SeptetParts() {
        List<byte[]> parts = SmppText.encode("b".repeat(161), 300).parts();
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0)).hasSize(6 + 153).startsWith(5, 0, 3, 300 & 0xFF, 2, 1);
        assertThat(parts.get(1)).hasSize(6 + 8).startsWith(5, 0, 3, 300 & 0xFF, 2, 2);
    }

    @Test
    void anEscapePairAtAPartBoundaryMovesWholeToTheNextPart() {
        List<byte[]> parts = SmppText.encode("c".repeat(152) + "^" + "d".repeat(20), 1).parts();
        assertThat(parts.get(0)).hasSize(6 + 152);
        assertThat(parts.get(1)[6]).isEqualTo((byte) 0x1B);
        assertThat(parts.get(1)[7]).isEqualTo((byte) 0x14);
    }

    @Test
    void textOutsideGsm0338IsUcs2With70CharactersAloneAnd67PerPart() {
        assertThat(SmppText.isGsm7("Ünïcode?")).isFalse();
        assertThat(SmppText.isGsm7("Ünö @£$¥ {}[]~^|\\€")).isTrue();
        SmppText.Encoded one = SmppText.encode("ж".repeat(70), 1);
        assertThat(one.dataCoding()).isEqualTo(SmppText.UCS2);
        assertThat(one.parts()).singleElement().satisfies(p -> assertThat(p).hasSize(140));
        List<byte[]> parts = SmppText.encode("ж".repeat(71), 1).parts();
        assertThat(parts).extracting(p -> p.length).containsExactly(6 + 134, 6 + 8);
    }

    @Test
    void decodingSkipsTheUdhAndKnowsEachDataCoding() {
        byte[] gsmWithUdh = SmppText.encode("Hello {world} ".repeat(12), 9).parts().get(1);
        assertThat(SmppText.decode((byte) 0, gsmWithUdh, true)).doesNotContain("\u0005").contains("world");
        assertThat(SmppText.decode((byte) 0, SmppText.encode("@£_§€", 0).parts().getFirst(), false)).isEqualTo("@£_§€");
        assertThat(SmppText.decode((byte) 8, "Спасибо".getBytes(StandardCharsets.UTF_16BE), false)).isEqualTo("Спасибо");
        assertThat(SmppText.decode((byte) 3, "café".getBytes(StandardCharsets.ISO_8859_1), false)).isEqualTo("café");
        assertThat(SmppText.decode((byte) 1, "plain".getBytes(StandardCharsets.US_ASCII), false)).isEqualTo("plain");
    }
}

package dev.parley.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SmsEncodingTest {
    static final String SENTENCE = "Your appointment with Dr. Patel is confirmed for Tuesday 14 May at 09:30. Reply C to cancel"
            + " or R to reschedule. Please arrive 10 minutes early and bring your card with you. Thank you!";
    static final String CYRILLIC = "Ваш заказ номер сорок два отправлен сегодня утром, курьер позвонит вам заранее. Спасибо!"
            + " Хорошего дня и до новых встреч в нашем магазине.";

    static void assertCount(String text, String encoding, int segments, int characters) {
        assertThat(SmsEncoding.count(text)).as(text).isEqualTo(new SmsCount(encoding, segments, characters));
    }

    @Test
    void plainEnglishIsOneGsm7Segment() {
        assertCount("Hi Ada, your order #1234 has shipped. Track it at https://example.com/t/1234 - thanks!", "gsm7", 1, 86);
    }

    @Test
    void everyPrintableAsciiCharacterButBacktickIsGsm7AndBracketsCountTwo() {
        for (char c = 0x20; c < 0x7F; c++) {
            String s = String.valueOf(c);
            int expected = "[\\]^{|}~".indexOf(c) >= 0 ? 2 : 1;
            if (c == '`') {
                assertCount(s, "ucs2", 1, 1);
            } else {
                assertCount(s, "gsm7", 1, expected);
            }
        }
    }

    @Test
    void theExtensionTableAndFormFeedCountTwoSeptets() {
        assertCount("Price: 5€ {promo} [x] ~ | \\ ^", "gsm7", 1, 38);
        assertCount("page one\fpage two", "gsm7", 1, 18);
    }

    @Test
    void accentedLatinFollowsTheRealGsmTable() {
        assertCount("Café crème, señor? Ça va. Ærø, Øre, Åse, Straße, Müller, Ñandú", "ucs2", 1, 62); // ú is not GSM-7
        assertCount("Café crème, señor? Ça va. Ærø, Øre, Åse, Straße, Müller, Ñandu", "gsm7", 1, 62);
        assertCount("¿Qué tal? ¡Está bien!", "ucs2", 1, 21); // á is not GSM-7
        assertCount("£5 or ¥500 or $5 or ¤; § 3; è é ù ì ò à ä ö ü", "gsm7", 1, 45);
        assertCount("ça", "ucs2", 1, 2); // only capital Ç is in the table
    }

    @Test
    void capitalGreekIsGsm7AndLowerCaseIsNot() {
        assertCount("ΔΦΓΛΩΠΨΣΘΞ", "gsm7", 1, 10);
        assertCount("ΣΑΣ ΕΥΧΑΡΙΣΤΟΥΜΕ", "ucs2", 1, 16); // Α Ε Υ Χ Ρ Ι Τ Ο Μ are Greek, not Latin look-alikes
        assertCount("Καλημέρα", "ucs2", 1, 8);
    }

    @Test
    void arabicAndEmojiNeedUcs2CountedInUtf16Units() {
        assertCount("مرحبا، طلبك في الطريق", "ucs2", 1, 21);
        assertCount("Great job 👍", "ucs2", 1, 12);
        assertCount("👨‍👩‍👧‍👦", "ucs2", 1, 11);
    }

    @Test
    void gsm7Holds160InOneSegmentAnd153PerPartBeyond() {
        String s160 = SENTENCE.substring(0, 160);
        assertCount(s160, "gsm7", 1, 160);
        assertCount(SENTENCE.substring(0, 161), "gsm7", 2, 161);
        String s306 = (SENTENCE + " " + SENTENCE).substring(0, 306);
        assertCount(s306, "gsm7", 2, 306);
        assertCount((SENTENCE + " " + SENTENCE).substring(0, 307), "gsm7", 3, 307);
        assertCount("€".repeat(80), "gsm7", 1, 160);
        assertCount("€".repeat(81), "gsm7", 2, 162);
    }

    @Test
    void anEscapePairIsNotSplitAtThe153rdSeptet() {
        // 152 septets, then € would take septets 153 and 154: it moves whole to the second part.
        String text = SENTENCE.substring(0, 152) + "€" + SENTENCE.substring(0, 152);
        assertCount(text, "gsm7", 3, 306); // 306 septets fit 2 parts only if the pair could be split
        String fits = SENTENCE.substring(0, 151) + "€" + SENTENCE.substring(0, 153);
        assertCount(fits, "gsm7", 2, 306);
    }

    @Test
    void ucs2Holds70InOneSegmentAnd67PerPartBeyond() {
        assertCount(CYRILLIC.substring(0, 70), "ucs2", 1, 70);
        assertCount(CYRILLIC.substring(0, 71), "ucs2", 2, 71);
        assertCount(CYRILLIC.substring(0, 134), "ucs2", 2, 134);
        assertCount(CYRILLIC.substring(0, 135), "ucs2", 3, 135);
    }

    @Test
    void aSurrogatePairIsNotSplitAcrossParts() {
        String text = CYRILLIC.substring(0, 66) + "👍" + CYRILLIC.substring(0, 66);
        assertCount(text, "ucs2", 3, 134);
        String fits = CYRILLIC.substring(0, 65) + "👍" + CYRILLIC.substring(0, 67);
        assertCount(fits, "ucs2", 2, 134);
    }

    @Test
    void smartEncodingTurnsTypographicPunctuationIntoGsm7() {
        String curly = "Don’t miss our “Summer Sale” — 20% off… ends\u00A0Friday";
        assertCount(curly, "ucs2", 1, 51);
        String smart = SmsEncoding.smart(curly);
        assertThat(smart).isEqualTo("Don't miss our \"Summer Sale\" - 20% off... ends Friday");
        assertCount(smart, "gsm7", 1, 53);
    }

    @Test
    void smartEncodingLeavesTextThatNeedsUcs2AnywayAsWritten() {
        assertThat(SmsEncoding.smart("It’s here 👍")).isEqualTo("It’s here 👍");
        assertThat(SmsEncoding.smart("“Está bien”")).isEqualTo("“Está bien”");
        assertThat(SmsEncoding.smart("Already plain")).isEqualTo("Already plain");
    }

    @Test
    void costIsSegmentsTimesThePrice() {
        SmsCount three = SmsEncoding.count(SENTENCE + " " + SENTENCE);
        assertThat(three.segments()).isEqualTo(3);
        assertThat(three.cost(new BigDecimal("0.0075"))).isEqualByComparingTo("0.0225");
        assertThat(SmsEncoding.count("").cost(new BigDecimal("0.05"))).isEqualByComparingTo("0");
        assertCount("", "gsm7", 0, 0);
    }
}

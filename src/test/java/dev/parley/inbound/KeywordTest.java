package dev.parley.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeywordTest {
    @Test
    void theCarrierKeywordsAreCommandsInAnyCaseWithPunctuationAround() {
        for (String stop : new String[] {"STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "Cancel", "END", "quit!"}) {
            assertThat(Keyword.of(stop)).as(stop).contains(Keyword.STOP);
        }
        for (String start : new String[] {"START", "unstop", "Yes"}) {
            assertThat(Keyword.of(start)).as(start).contains(Keyword.START);
        }
        assertThat(Keyword.of("help")).contains(Keyword.HELP);
        assertThat(Keyword.of("INFO?")).contains(Keyword.HELP);
    }

    @Test
    void aSentenceThatContainsAKeywordIsAConversation() {
        for (String text : new String[] {"please stop sending these", "STOP IT", "yes please", "", "   ", "stopp", "endless"}) {
            assertThat(Keyword.of(text)).as(text).isEmpty();
        }
        assertThat(Keyword.of(null)).isEmpty();
    }
}

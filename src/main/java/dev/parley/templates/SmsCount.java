package dev.parley.templates;

import java.math.BigDecimal;

/**
 * How an SMS text goes over the air: its encoding ({@code gsm7} or {@code ucs2}), how many segments a
 * provider bills, and its length in the encoding's own units.
 *
 * <p>What a reader could get wrong: {@code characters} is not the number of letters a person sees. In
 * GSM-7 it counts septets (an extension character such as {@code €} or {@code [} is two); in UCS-2 it
 * counts UTF-16 code units (an emoji outside the Basic Multilingual Plane is two, a family emoji joined
 * with zero-width joiners is eleven). That is the number the 160/153 and 70/67 limits apply to.
 *
 * @param encoding   {@code gsm7} or {@code ucs2}
 * @param segments   parts the message is sent in; 0 for an empty text
 * @param characters length in septets (GSM-7) or UTF-16 code units (UCS-2)
 */
public record SmsCount(String encoding, int segments, int characters) {
    public static final String GSM7 = "gsm7";
    public static final String UCS2 = "ucs2";

    /** The estimated price of this message: segments × the price of one segment (in the price's currency). */
    public BigDecimal cost(BigDecimal pricePerSegment) {
        return pricePerSegment.multiply(BigDecimal.valueOf(segments));
    }
}

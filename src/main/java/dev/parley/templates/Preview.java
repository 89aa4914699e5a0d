package dev.parley.templates;

import java.util.List;

/**
 * What a template would send, as {@code POST /v1/templates/…/preview} answers it. {@code sms} is set for the
 * SMS channel only; with smart encoding, {@code text} is the text after look-alike replacement (what would
 * be sent) and {@code sms} counts that text.
 */
public record Preview(String subject, String text, String html, List<String> unknownVariables, SmsCount sms) {

    static Preview of(String channel, Rendered r, boolean smartEncoding) {
        if (!"sms".equals(channel)) {
            return new Preview(r.subject(), r.text(), r.html(), r.unknownVariables(), null);
        }
        String text = smartEncoding ? SmsEncoding.smart(r.text()) : r.text();
        return new Preview(r.subject(), text, r.html(), r.unknownVariables(), SmsEncoding.count(text));
    }
}

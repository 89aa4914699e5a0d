package dev.parley.delivery;

/**
 * Makes the one-click unsubscribe URL a campaign email carries in its {@code List-Unsubscribe} header
 * (RFC 8058). The delivery engine asks; the page that answers the URL lives outside this package.
 */
@FunctionalInterface
public interface UnsubscribeLinks {
    String urlFor(String messageId);

    UnsubscribeLinks NONE = messageId -> null;
}

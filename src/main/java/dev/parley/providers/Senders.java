package dev.parley.providers;

import dev.parley.core.Failure.FieldError;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;

/**
 * The sender of an email, shared by the email adapters: the message's own {@code from}, else the
 * account's {@code config.from}. A message with neither is rejected as permanent, since no retry
 * would give it one.
 */
final class Senders {
    static final SendResult.Rejected NONE = new SendResult.Rejected(SendResult.ErrorClass.PERMANENT, "no-sender",
            "the message has no from and the provider has no config.from", null);

    private Senders() {}

    /** The address to send from, or null when there is none. */
    static String of(SendRequest request, String defaultFrom) {
        return request.from() != null && !request.from().isBlank() ? request.from() : defaultFrom;
    }

    /** Adds an error when {@code config.from} is set but is not one email address. */
    static void checkDefault(ProviderConfig config, List<FieldError> errors) {
        if (config.text("from") != null) {
            try {
                new InternetAddress(config.text("from"), true);
            } catch (AddressException e) {
                errors.add(new FieldError("config.from", "invalid", "config.from is not an email address"));
            }
        }
    }
}

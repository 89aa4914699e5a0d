package dev.parley.http;

import dev.parley.core.Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Collects field errors of one request so the answer lists them all at once, then throws
 * {@link Failure.Invalid} from {@link #done()} if there were any.
 */
public final class Checks {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+$");
    private final List<Failure.FieldError> errors = new ArrayList<>();

    public Checks required(String field, Object value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            add(field, "required", field + " is required");
        }
        return this;
    }

    public Checks maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            add(field, "tooLong", field + " must be at most " + max + " characters");
        }
        return this;
    }

    public Checks length(String field, String value, int min, int max) {
        if (value != null && (value.length() < min || value.length() > max)) {
            add(field, "length", field + " must be " + min + " to " + max + " characters");
        }
        return this;
    }

    public Checks email(String field, String value) {
        // The limit applies to the stored, lower-cased form, which can be longer ("İ" becomes "i̇").
        if (value != null && (value.length() > 320 || value.trim().toLowerCase(Locale.ROOT).length() > 320
                || !EMAIL.matcher(value.trim()).matches())) {
            add(field, "invalid", field + " is not a valid email address");
        }
        return this;
    }

    public Checks check(boolean ok, String field, String code, String message) {
        if (!ok) {
            add(field, code, message);
        }
        return this;
    }

    public void add(String field, String code, String message) {
        errors.add(new Failure.FieldError(field, code, message));
    }

    public void done() {
        if (!errors.isEmpty()) {
            String summary = errors.size() == 1 ? errors.getFirst().message() : errors.size() + " fields are invalid";
            throw new Failure.Invalid(summary, errors);
        }
    }
}

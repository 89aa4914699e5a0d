package dev.parley.core;

import java.time.Duration;
import java.util.List;

/**
 * The expected ways a request can fail, in domain words. Domain code throws these; the HTTP layer maps
 * each to its problem answer in one place, and the CLI to its exit code.
 */
public abstract sealed class Failure extends RuntimeException {
    protected Failure(String message) {
        super(message, null, false, false);
    }

    /** The input is malformed or breaks a rule; {@code errors} names the fields. */
    public static final class Invalid extends Failure {
        private final List<FieldError> errors;

        public Invalid(String message, List<FieldError> errors) {
            super(message);
            this.errors = List.copyOf(errors);
        }

        public Invalid(String field, String code, String message) {
            this(message, List.of(new FieldError(field, code, message)));
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    /** The thing does not exist, or belongs to another tenant: the two are indistinguishable. */
    public static final class NotFound extends Failure {
        public NotFound(String what) {
            super(what + " not found");
        }
    }

    /** The request is well-formed but clashes with the current state (which the message names). */
    public static final class Conflict extends Failure {
        private final String currentState;

        public Conflict(String message, String currentState) {
            super(message);
            this.currentState = currentState;
        }

        public Conflict(String message) {
            this(message, null);
        }

        public String currentState() {
            return currentState;
        }
    }

    /** The caller is known but may not do this. */
    public static final class Forbidden extends Failure {
        public Forbidden(String message) {
            super(message);
        }
    }

    /** No credential, or one that is wrong, expired or revoked. */
    public static final class Unauthenticated extends Failure {
        public Unauthenticated(String message) {
            super(message);
        }
    }

    /** Too many attempts; try again after {@code retryAfter}. */
    public static final class Throttled extends Failure {
        private final Duration retryAfter;

        public Throttled(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** An idempotency key was reused with a different request. */
    public static final class KeyReused extends Failure {
        public KeyReused(String message) {
            super(message);
        }
    }

    public record FieldError(String field, String code, String message) {}
}

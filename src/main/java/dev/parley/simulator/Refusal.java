package dev.parley.simulator;

/** Why a {@code /send} request was not accepted; none of these is recorded in the ledger, only counted. */
enum Refusal {
    /** 401: {@code --require-auth} is set and the Authorization header differs. */
    UNAUTHORISED("unauthorised"),
    /** 400: the body is not a JSON object with a string {@code id}. */
    INVALID("invalid"),
    /** 503: drawn by {@code --fail-rate}. */
    FAILED("failed"),
    /** 429: over {@code --rate-limit} in the current second. */
    RATE_LIMITED("rateLimited");

    final String wire;

    Refusal(String wire) {
        this.wire = wire;
    }
}

package dev.parley.contacts;

/** A normalised value, or the reason it could not be normalised (then {@code value} is null). */
public record Checked(String value, String problem) {
    static Checked ok(String value) {
        return new Checked(value, null);
    }

    static Checked bad(String problem) {
        return new Checked(null, problem);
    }

    public boolean isOk() {
        return problem == null;
    }
}

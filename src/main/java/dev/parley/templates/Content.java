package dev.parley.templates;

/**
 * The three template fields of a message as written: {@code subject} (email only), {@code text}, and
 * {@code html} (email only). Any may be null.
 */
public record Content(String subject, String text, String html) {}

package dev.parley.templates;

import java.util.List;

/**
 * A template rendered for one recipient. {@code html} is HTML-escaped where values were inserted;
 * {@code subject} and {@code text} are raw. {@code unknownVariables} names, once each and in order of
 * first use, the variables that had no value and no default (they rendered as empty).
 */
public record Rendered(String subject, String text, String html, List<String> unknownVariables) {}

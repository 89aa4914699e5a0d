package dev.parley.templates;

import dev.parley.core.Failure;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One compiled template field (a subject, a text or an HTML body): literal text and variables, parsed
 * once by {@link #compile} and rendered many times. Rendering walks a flat array of parts; nothing is
 * parsed, looked up by reflection or evaluated then.
 *
 * <p>What a reader could get wrong: templates are written by tenants, so the language has no logic at all
 * (no sections, loops, partials, lambdas or delimiter changes) and rendering cannot run code or recurse: a
 * value that itself contains {@code {{…}}} is output as text, never parsed. HTML escaping is chosen per
 * render, not per template: the same compiled text renders raw for SMS and plain text, escaped for HTML.
 */
public final class Template {
    /** Longest template source accepted by {@link #compile}; callers apply tighter per-field limits. */
    public static final int MAX_SOURCE = 1_000_000;
    /** Most variables in one field. */
    public static final int MAX_VARIABLES = 10_000;
    /** Longest rendered output of one field: values are repeated, so output can outgrow its source. */
    public static final int MAX_OUTPUT = 2_000_000;

    sealed interface Part permits Literal, Variable {}

    record Literal(String text) implements Part {}

    /** {@code name} as written ({@code attributes.plan}), its {@code path} split, and the default or null. */
    record Variable(String name, List<String> path, String fallback) implements Part {}

    private final String field;
    private final Part[] parts;
    /** Length of the literal text: the output is at least this long, so the buffer starts there. */
    private final int literalLength;

    Template(String field, List<Part> parts) {
        this.field = field;
        this.parts = parts.toArray(Part[]::new);
        int n = 0;
        for (Part p : parts) {
            n += p instanceof Literal l ? l.text().length() : 0;
        }
        this.literalLength = n;
    }

    /**
     * Parses {@code source}; a syntax error is {@link Failure.Invalid} on {@code field} whose message gives
     * the line and column (both from 1, columns in characters).
     */
    public static Template compile(String field, String source) {
        return new TemplateParser(field, source).parse();
    }

    /** The names of the variables used, in order of first use, each once. */
    public List<String> variables() {
        Set<String> names = new LinkedHashSet<>();
        for (Part p : parts) {
            if (p instanceof Variable v) {
                names.add(v.name());
            }
        }
        return List.copyOf(names);
    }

    /** Renders with values from {@code values}; variables with no value and no default are added to {@code unknown}. */
    public String render(Variables values, boolean escapeHtml, Set<String> unknown) {
        StringBuilder out = new StringBuilder(literalLength + 16 * (parts.length + 1));
        for (Part part : parts) {
            switch (part) {
                case Literal l -> out.append(l.text());
                case Variable v -> {
                    String value = values.lookup(v.path());
                    if (value == null || value.isEmpty()) {
                        value = v.fallback();
                        if (value == null) {
                            unknown.add(v.name());
                            value = "";
                        }
                    }
                    if (escapeHtml) {
                        escape(value, out);
                    } else {
                        out.append(value);
                    }
                }
            }
            if (out.length() > MAX_OUTPUT) {
                throw new Failure.Invalid(field, "tooLong", field + " would render longer than " + MAX_OUTPUT + " characters");
            }
        }
        return out.toString();
    }

    /** Renders raw (SMS, plain text, subjects). */
    public String render(Variables values, Set<String> unknown) {
        return render(values, false, unknown);
    }

    static void escape(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
    }
}

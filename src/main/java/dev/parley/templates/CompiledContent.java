package dev.parley.templates;

import dev.parley.core.Failure;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A message's subject, text and HTML compiled once, to render for many recipients (a campaign compiles
 * its content once and renders it per contact). Immutable and safe to share between threads.
 */
public final class CompiledContent {
    private static final Pattern ONE_LINE = Pattern.compile("[\\r\\n\\u0085\\u2028\\u2029]+");
    private final Template subject;
    private final Template text;
    private final Template html;

    private CompiledContent(Template subject, Template text, Template html) {
        this.subject = subject;
        this.text = text;
        this.html = html;
    }

    /** Compiles each present field; a syntax error is {@code Failure.Invalid} naming the field and position. */
    public static CompiledContent compile(Content content) {
        return compile(content, "");
    }

    /** As {@link #compile(Content)}, with field names in errors prefixed (e.g. {@code content.}). */
    public static CompiledContent compile(Content content, String fieldPrefix) {
        List<Failure.FieldError> errors = new ArrayList<>();
        Template s = compile(fieldPrefix + "subject", content.subject(), errors);
        Template t = compile(fieldPrefix + "text", content.text(), errors);
        Template h = compile(fieldPrefix + "html", content.html(), errors);
        if (!errors.isEmpty()) {
            throw new Failure.Invalid(errors.size() == 1 ? errors.getFirst().message() : String.join("; ",
                    errors.stream().map(Failure.FieldError::message).toList()), errors);
        }
        return new CompiledContent(s, t, h);
    }

    /** Compiles one field, collecting its syntax error instead of throwing, so every field's error is reported. */
    private static Template compile(String field, String source, List<Failure.FieldError> errors) {
        if (source == null) {
            return null;
        }
        try {
            return Template.compile(field, source);
        } catch (Failure.Invalid e) {
            errors.addAll(e.errors());
            return null;
        }
    }

    public Rendered render(Variables values) {
        Set<String> unknown = new LinkedHashSet<>();
        // A subject is one header line: a line break from a value would end it (or add a header) in SMTP.
        String s = subject == null ? null : oneLine(subject.render(values, false, unknown));
        String t = text == null ? null : text.render(values, false, unknown);
        String h = html == null ? null : html.render(values, true, unknown);
        return new Rendered(s, t, h, List.copyOf(unknown));
    }

    private static String oneLine(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return ONE_LINE.matcher(s).replaceAll(" ");
            }
        }
        return s;
    }

    /** Every variable the fields use, each once. */
    public List<String> variables() {
        Set<String> names = new LinkedHashSet<>();
        for (Template t : new Template[] {subject, text, html}) {
            if (t != null) {
                names.addAll(t.variables());
            }
        }
        return List.copyOf(names);
    }
}

package dev.parley.templates;

import dev.parley.core.Failure;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads template source into {@link Template} parts. The grammar, in full:
 * <pre>
 *   template := ( text | "\{{" | tag )*
 *   tag      := "{{" ws name ws ( "|" ws string ws )? "}}"      (on one line)
 *   name     := word ( "." ( word | string ) )*                  (at most 10 parts)
 *   word     := (letter | "_") (letter | digit | "_" | "-")*      (the first part; later parts may start with a digit)
 *   string   := '"' ( any character but '"' and '\' | '\"' | '\\' )* '"'
 * </pre>
 * {@code \{{} writes a literal {@code {{}; a {@code }}} outside a tag is plain text (CSS and JSON have them).
 *
 * <p>What a reader could get wrong: every Mustache sigil ({@code # ^ / > ! = & {}) is a syntax error here,
 * not a feature we forgot; a template written for Mustache fails loudly instead of rendering half-right.
 */
final class TemplateParser {
    private static final int MAX_PARTS = 10;
    private static final int MAX_PART_LENGTH = 100;
    private static final int MAX_DEFAULT = 1_000;

    private final String field;
    private final String src;
    private int pos;

    TemplateParser(String field, String src) {
        this.field = field;
        this.src = src;
    }

    Template parse() {
        if (src.length() > Template.MAX_SOURCE) {
            throw new Failure.Invalid(field, "tooLong", field + " must be at most " + Template.MAX_SOURCE + " characters");
        }
        List<Template.Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int variables = 0;
        while (pos < src.length()) {
            if (src.startsWith("\\{{", pos)) {
                text.append("{{");
                pos += 3;
            } else if (src.startsWith("{{", pos)) {
                if (++variables > Template.MAX_VARIABLES) {
                    throw error(pos, "too many variables (at most " + Template.MAX_VARIABLES + ")");
                }
                if (!text.isEmpty()) {
                    parts.add(new Template.Literal(text.toString()));
                    text.setLength(0);
                }
                parts.add(tag());
            } else {
                text.append(src.charAt(pos++));
            }
        }
        if (!text.isEmpty()) {
            parts.add(new Template.Literal(text.toString()));
        }
        return new Template(field, parts);
    }

    private Template.Variable tag() {
        int open = pos;
        pos += 2;
        skipSpaces();
        int nameStart = pos;
        List<String> path = new ArrayList<>();
        path.add(word(true, open));
        while (peek() == '.') {
            pos++;
            if (path.size() == MAX_PARTS) {
                throw error(nameStart, "a variable name has at most " + MAX_PARTS + " parts");
            }
            int partStart = pos;
            String part = peek() == '"' ? string(open, "name part") : word(false, open);
            if (part.isEmpty() || part.length() > MAX_PART_LENGTH) {
                throw error(partStart, "each part of a variable name must be 1 to " + MAX_PART_LENGTH + " characters");
            }
            path.add(part);
        }
        String name = src.substring(nameStart, pos);
        skipSpaces();
        String fallback = null;
        if (peek() == '|') {
            pos++;
            skipSpaces();
            if (peek() != '"') {
                throw error(pos, "a default must be a quoted string, such as {{ firstName | \"there\" }}");
            }
            int at = pos;
            fallback = string(open, "default");
            if (fallback.length() > MAX_DEFAULT) {
                throw error(at, "a default must be at most " + MAX_DEFAULT + " characters");
            }
            skipSpaces();
        }
        if (!src.startsWith("}}", pos)) {
            if (!closesOnThisLine()) {
                throw unclosed(open);
            }
            throw error(pos, "unexpected " + describe(pos) + " in a variable; expected }}");
        }
        pos += 2;
        return new Template.Variable(name, List.copyOf(path), fallback);
    }

    private String word(boolean first, int open) {
        int start = pos;
        while (pos < src.length()) {
            int cp = src.codePointAt(pos);
            boolean ok = Character.isLetter(cp) || cp == '_'
                    || (pos > start || !first) && (Character.isDigit(cp) || cp == '-');
            if (!ok) {
                break;
            }
            pos += Character.charCount(cp);
        }
        if (pos == start) {
            if (!closesOnThisLine()) {
                throw unclosed(open);
            }
            if (first && src.startsWith("}}", pos)) {
                throw error(open, "empty variable name: write a name such as {{ firstName }}");
            }
            throw error(pos, "unexpected " + describe(pos) + "; a variable is a name such as firstName or attributes.plan"
                    + " (templates have no sections, partials or other logic)");
        }
        if (pos - start > MAX_PART_LENGTH) {
            throw error(start, "each part of a variable name must be 1 to " + MAX_PART_LENGTH + " characters");
        }
        return src.substring(start, pos);
    }

    private String string(int open, String what) {
        int start = pos;
        pos++;
        StringBuilder out = new StringBuilder();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                return out.toString();
            }
            if (c == '\n' || c == '\r') {
                break;
            }
            if (c == '\\') {
                char next = pos + 1 < src.length() ? src.charAt(pos + 1) : 0;
                if (next != '"' && next != '\\') {
                    throw error(pos, "unknown escape in a quoted " + what + ": only \\\" and \\\\ are allowed");
                }
                out.append(next);
                pos += 2;
            } else {
                out.append(c);
                pos++;
            }
        }
        throw error(start, "unclosed quoted " + what + " (it must end with \" on the same line)");
    }

    private boolean closesOnThisLine() {
        for (int i = pos; i + 1 < src.length() && src.charAt(i) != '\n' && src.charAt(i) != '\r'; i++) {
            if (src.charAt(i) == '}' && src.charAt(i + 1) == '}') {
                return true;
            }
        }
        return false;
    }

    private void skipSpaces() {
        while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private char peek() {
        return pos < src.length() ? src.charAt(pos) : 0;
    }

    private String describe(int at) {
        int cp = src.codePointAt(at);
        return Character.isISOControl(cp) || Character.isWhitespace(cp)
                ? String.format("character U+%04X", cp) : "'" + Character.toString(cp) + "'";
    }

    private Failure.Invalid unclosed(int open) {
        return error(open, "unclosed {{ (a variable must end with }} on the same line; write \\{{ for literal braces)");
    }

    /** A syntax error at {@code offset}, with its line and column counted from 1 (columns in code points). */
    private Failure.Invalid error(int offset, String problem) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            char c = src.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= src.length() || src.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        int column = src.codePointCount(lineStart, offset) + 1;
        String message = field + ": " + problem + " at line " + line + ", column " + column;
        return new Failure.Invalid(message, List.of(new Failure.FieldError(field, "syntax", message)));
    }
}

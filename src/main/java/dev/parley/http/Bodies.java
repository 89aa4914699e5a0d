package dev.parley.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.parley.core.Failure;
import dev.parley.core.Json;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Reads a JSON request body into a record, turning every way it can be wrong into a 400 or 415. */
public final class Bodies {
    private Bodies() {}

    public static <T> T read(Context ctx, Class<T> type) {
        String contentType = ctx.contentType();
        // The media type itself, parameters (charset) aside: "application/jsonx" is not JSON.
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new UnsupportedMediaType("send the body as application/json");
        }
        byte[] raw = bytes(ctx);
        if (raw.length == 0) {
            throw new Failure.Invalid("body", "required", "a JSON body is required");
        }
        String text = utf8(raw);
        try {
            checkStrings(text);
            T value = Json.mapper().readValue(text, type);
            if (value == null) {
                throw new Failure.Invalid("body", "required", "a JSON object is required");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String field = path(e);
            throw new Failure.Invalid("unknown field '" + field + "'",
                    List.of(new Failure.FieldError(field, "unknown", "unknown field '" + field + "'")));
        } catch (JsonMappingException e) {
            String field = path(e);
            if (field.isEmpty()) {
                throw new Failure.Invalid("body", "type", "the body must be a JSON object");
            }
            throw new Failure.Invalid(field, "type", field + " has the wrong type or format");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new Failure.Invalid("body", "malformed", "the body is not valid JSON" + where);
        } catch (java.io.IOException e) {
            throw new Failure.Invalid("body", "unreadable", "the body could not be read");
        }
    }

    private static byte[] bytes(Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (Exception e) {
            // Jetty throws its (unchecked-in-Kotlin) EofException when the client sends less than it declared.
            if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                throw new Failure.Invalid("body", "unreadable", "the body ended before its declared length");
            }
            throw e;
        }
    }

    /**
     * Decodes the body strictly as UTF-8 (SPEC §2). Jackson would otherwise guess UTF-16 or UTF-32 from the
     * first bytes and let malformed sequences through (an overlong {@code C0 AF} becomes {@code /}).
     */
    private static String utf8(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new Failure.Invalid("body", "malformed", "the body is not valid UTF-8");
        }
    }

    /**
     * Refuses strings and field names holding NUL (PostgreSQL cannot store it in text) or half a surrogate
     * pair (not a character; it would be stored as '?'), so they answer 400 on every database instead of
     * failing deep in a statement.
     */
    private static void checkStrings(String text) throws java.io.IOException {
        if (text.indexOf('\\') < 0) {
            // Both can only arrive escaped: JSON refuses a raw NUL and strict UTF-8 a raw surrogate.
            return;
        }
        try (JsonParser parser = Json.mapper().getFactory().createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
                    String value = parser.getText();
                    if (!clean(value)) {
                        String field = parser.getParsingContext().pathAsPointer().toString();
                        field = field.isEmpty() ? "body" : field.substring(1).replace('/', '.');
                        throw new Failure.Invalid(field, "invalid",
                                field + " contains a NUL character or an unpaired surrogate");
                    }
                }
            }
        }
    }

    private static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** 415: the body is not in a media type the route accepts. */
    public static final class UnsupportedMediaType extends RuntimeException {
        public UnsupportedMediaType(String message) {
            super(message, null, false, false);
        }
    }
}

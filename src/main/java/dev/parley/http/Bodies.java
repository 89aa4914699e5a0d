package dev.parley.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.parley.core.Failure;
import dev.parley.core.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Reads a JSON request body into a record, turning every way it can be wrong into a 400 or 415. */
public final class Bodies {
    private Bodies() {}

    public static <T> T read(Context ctx, Class<T> type) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new UnsupportedMediaType("send the body as application/json");
        }
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length == 0) {
            throw new Failure.Invalid("body", "required", "a JSON body is required");
        }
        try {
            T value = Json.mapper().readValue(raw, type);
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

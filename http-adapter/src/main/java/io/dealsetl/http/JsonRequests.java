package io.dealsetl.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Request bodies, read strictly: {@code application/json} in UTF-8 (else 415), exactly one JSON document (no
 * trailing content, no second document), no key twice in an object, at most 32 levels deep (else 400).
 */
final class JsonRequests {
    static final int MAX_DEPTH = 32;

    private final ObjectMapper strict = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * The body as a JSON tree; null when it is empty and optional.
     *
     * @throws ApiException 400 when required and empty or malformed, 415 when not JSON
     */
    JsonNode read(Context ctx, boolean required) {
        byte[] bytes = ctx.bodyAsBytes();
        if (isBlank(bytes)) {
            if (required) throw ApiException.validation("body", "Request body is required");
            return null;
        }
        if (!isJson(ctx.header("Content-Type"))) throw ApiException.ofStatus(415);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.validation("body", "Must be UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1); // a byte order mark may precede JSON (RFC 8259)
        try {
            return strict.readTree(text);
        } catch (StreamConstraintsException e) {
            throw ApiException.validation("body", "JSON nested deeper than " + MAX_DEPTH + " levels");
        } catch (JsonProcessingException e) {
            // never the parser's message: it quotes the input
            String what = e.getOriginalMessage().startsWith("Duplicate field") ? "Duplicate key"
                    : e.getOriginalMessage().startsWith("Trailing token") ? "Content after the JSON document"
                    : "Malformed JSON";
            throw ApiException.validation("body", what + at(e.getLocation()));
        }
    }

    /** {@code application/json}, with no charset or UTF-8: JSON is UTF-8 (RFC 8259). */
    static boolean isJson(String contentType) {
        if (contentType == null) return false;
        String[] parts = contentType.split(";");
        if (!parts[0].strip().toLowerCase(Locale.ROOT).equals("application/json")) return false;
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].split("=", 2);
            if (param[0].strip().equalsIgnoreCase("charset")) {
                String charset = param.length < 2 ? "" : param[1].strip().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!charset.equals("utf-8") && !charset.equals("utf8")) return false;
            }
        }
        return true;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') return false;
        }
        return true;
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}

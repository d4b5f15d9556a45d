package dev.syncline.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.syncline.core.SynclineException;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The one JSON configuration every Syncline module reads and writes with (DESIGN section 5.8):
 * decimals are read as exact {@code BigDecimal}s (never as {@code double}) and keep their trailing
 * zeros, duplicate object keys
 * are refused, trailing tokens are refused, and nesting is limited to {@value #MAX_DEPTH} levels.
 * Every JSON read on a data path goes through here, in the core and in every adapter; the
 * CloudEvents reader is the same configuration with the CloudEvents SDK's Jackson module added.
 *
 * <p>Only immutable readers and writers are handed out, so nobody can reconfigure the mapper.
 */
public final class Json {

  /** The deepest nesting accepted in any document. */
  public static final int MAX_DEPTH = 64;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // 19.990 stays 19.990: a decimal keeps the digits it was sent with.
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .build();

  private static final ObjectReader TREES = MAPPER.reader();
  private static final ObjectWriter WRITER = MAPPER.writer();
  private static final ObjectReader EVENTS =
      MAPPER.copy().registerModule(JsonFormat.getCloudEventJacksonModule()).readerFor(CloudEvent.class);

  private Json() {}

  /**
   * Parses one JSON value.
   *
   * @param what names the document in the error, e.g. {@code "delta"}
   * @throws SynclineException MALFORMED if the bytes are not exactly one JSON value, or hold a
   *     duplicate key; the message never quotes the input
   */
  public static JsonNode parse(byte[] bytes, String what) {
    if (bytes == null || bytes.length == 0) {
      throw SynclineException.malformed(what + " is empty");
    }
    try {
      JsonNode node = TREES.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw SynclineException.malformed(what + " is empty");
      }
      return node;
    } catch (IOException | RuntimeException e) {
      // Jackson reports some bad numbers (an exponent too large for BigDecimal) unchecked.
      if (e instanceof SynclineException s) {
        throw s;
      }
      throw SynclineException.malformed(what + " is not valid JSON: " + describe(e), e);
    }
  }

  /** Parses JSON text; see {@link #parse(byte[], String)}. */
  public static JsonNode parse(String text, String what) {
    return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), what);
  }

  /**
   * Reads a structured-mode CloudEvent (JSON format) with this configuration, so that its {@code
   * data}, when JSON, keeps exact decimals and refuses duplicate keys.
   *
   * @throws SynclineException MALFORMED if it is not one
   */
  public static CloudEvent readCloudEvent(byte[] json) {
    if (json == null || json.length == 0) {
      throw SynclineException.malformed("CloudEvent body is empty");
    }
    CloudEvent event;
    try {
      event = EVENTS.readValue(json);
    } catch (IOException | RuntimeException e) {
      // The SDK reports bad JSON and missing attributes with several exception types.
      throw SynclineException.malformed("not a structured-mode JSON CloudEvent: " + describe(e), e);
    }
    if (event == null) {
      throw SynclineException.malformed("not a structured-mode JSON CloudEvent: the body is JSON null");
    }
    return event;
  }

  /** Reads a structured-mode CloudEvent from a tree parsed with {@link #parse}. */
  public static CloudEvent readCloudEvent(JsonNode json) {
    CloudEvent event;
    try {
      event = EVENTS.readValue(json);
    } catch (IOException | RuntimeException e) {
      throw SynclineException.malformed("not a structured-mode JSON CloudEvent: " + describe(e), e);
    }
    if (event == null) {
      throw SynclineException.malformed("not a structured-mode JSON CloudEvent: it is JSON null");
    }
    return event;
  }

  /**
   * A copy of the configured mapper, for code that needs {@link ObjectMapper}'s whole API (test
   * harnesses, reports). Reconfiguring the copy cannot change what the core reads with.
   */
  public static ObjectMapper newMapper() {
    return MAPPER.copy();
  }

  /** Compact JSON of a tree (decimals written as they were read). */
  public static byte[] write(JsonNode node) {
    try {
      return WRITER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value cannot be written as JSON", e);
    }
  }

  /** Compact JSON text of a tree. */
  public static String writeString(Object value) {
    try {
      return WRITER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value cannot be written as JSON", e);
    }
  }

  /** A streaming generator on {@code out}, for the codecs' hand-ordered documents. */
  public static JsonGenerator generator(OutputStream out) {
    try {
      return MAPPER.getFactory().createGenerator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one document with a generator. */
  @FunctionalInterface
  public interface Document {
    void write(JsonGenerator g) throws IOException;
  }

  /** The bytes of one document written by {@code document} with a {@link #generator}. */
  public static byte[] write(Document document) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
    try (JsonGenerator g = generator(out)) {
      document.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * True if a tree holds a binary floating-point number: the sign that some reader other than
   * this one parsed it, and may have rounded a decimal on the way.
   */
  public static boolean hasBinaryFloat(JsonNode node) {
    if (node.isFloatingPointNumber() && !node.isBigDecimal()) {
      return true;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (hasBinaryFloat(child)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Says why a parser failed without quoting the input: JSON syntax errors (whose messages can
   * quote payload) become a fixed text; other messages (the CloudEvents SDK's, which name missing
   * or invalid attributes) are kept to their first line, at most 160 characters.
   */
  public static String describe(Throwable failure) {
    Throwable root = failure;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof NumberFormatException) {
        return "a number is out of range";
      }
      if (t instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
        return "the document is nested too deeply or a number or string is too long";
      }
      if (t instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
          && String.valueOf(t.getMessage()).contains("Duplicate field")) {
        return "an object has a duplicate key";
      }
      if (t instanceof JsonProcessingException) {
        return "the body is not valid JSON";
      }
      root = t;
    }
    String message = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    return message.length() > 160 ? message.substring(0, 160) + "..." : message;
  }
}

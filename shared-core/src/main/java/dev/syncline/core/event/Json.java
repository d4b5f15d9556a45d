package dev.syncline.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.syncline.core.SynclineException;
import java.io.IOException;

/** The core's shared JSON machinery: one mapper, strict about duplicates and depth. */
final class Json {

  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(64).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  /**
   * Says why a parser failed without quoting the input: JSON syntax errors (whose messages can
   * quote payload) become a fixed text; other messages (the CloudEvents SDK's, which name missing
   * or invalid attributes) are kept to their first line, at most 160 characters.
   */
  static String describe(Throwable failure) {
    Throwable root = failure;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
        return "the body is not valid JSON";
      }
      root = t;
    }
    String message = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    return message.length() > 160 ? message.substring(0, 160) + "..." : message;
  }

  /** Parses bytes into a tree. @throws SynclineException MALFORMED if they are not one JSON value */
  static JsonNode parse(byte[] bytes, String what) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw SynclineException.malformed(what + " is empty");
      }
      return node;
    } catch (IOException e) {
      throw SynclineException.malformed(what + " is not valid JSON", e);
    }
  }
}

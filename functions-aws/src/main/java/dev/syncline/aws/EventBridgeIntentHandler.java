package dev.syncline.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.Replica;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The intent function: an EventBridge rule on {@code detail-type = dev.syncline.record.write.v1}
 * invokes it with the EventBridge envelope, whose {@code detail} is the structured-mode
 * CloudEvent. Returning normally acknowledges the event (applied, duplicate, or dead-lettered as
 * unappliable); a thrown exception fails the invocation and EventBridge retries it.
 *
 * <p>Handler string: {@code dev.syncline.aws.EventBridgeIntentHandler::handleRequest}.
 */
public final class EventBridgeIntentHandler implements RequestStreamHandler {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Replica replica;

  /** Used by Lambda: the container's replica, configured from the environment. */
  public EventBridgeIntentHandler() {
    this(null);
  }

  EventBridgeIntentHandler(Replica replica) {
    this.replica = replica;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    byte[] envelope = input.readAllBytes();
    IntentDelivery intents = (replica != null ? replica : AwsReplica.shared()).intents;
    IntentDelivery.Result result = intents.deliverStructured(detailOf(envelope));
    output.write(("{\"result\":\"" + result.name().toLowerCase(java.util.Locale.ROOT) + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  /** The envelope's {@code detail} as bytes, or the envelope itself if it has none (dead-lettered). */
  private static byte[] detailOf(byte[] envelope) {
    try {
      JsonNode detail = JSON.readTree(envelope).get("detail");
      return detail != null && detail.isObject() ? JSON.writeValueAsBytes(detail) : envelope;
    } catch (IOException e) {
      return envelope;
    }
  }
}

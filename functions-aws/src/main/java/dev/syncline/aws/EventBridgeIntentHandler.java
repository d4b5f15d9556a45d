package dev.syncline.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.Replica;
import dev.syncline.core.SynclineException;
import dev.syncline.core.json.Json;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The intent function: an EventBridge rule on {@code detail-type = dev.syncline.record.write.v1}
 * invokes it with the EventBridge envelope, whose {@code detail} is the structured-mode
 * CloudEvent. Returning normally acknowledges the event (applied, duplicate, or dead-lettered as
 * unappliable); a thrown exception fails the invocation and EventBridge retries it.
 *
 * <p>Handler string: {@code dev.syncline.aws.EventBridgeIntentHandler::handleRequest}.
 */
public final class EventBridgeIntentHandler implements RequestStreamHandler {

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
    IntentDelivery.Result result = deliver(intents, envelope);
    output.write(result.toJson());
  }

  /**
   * Delivers the envelope's {@code detail}, read with the core's JSON configuration (exact
   * decimals, no duplicate keys); an envelope without one is dead-lettered with its bytes.
   */
  private static IntentDelivery.Result deliver(IntentDelivery intents, byte[] envelope) {
    JsonNode detail;
    try {
      detail = Json.parse(envelope, "EventBridge envelope").get("detail");
    } catch (SynclineException malformed) {
      return intents.deliverStructured(envelope);
    }
    if (detail == null || !detail.isObject()) {
      return intents.deliverStructured(envelope);
    }
    CloudEvent event;
    try {
      event = Json.readCloudEvent(detail);
    } catch (SynclineException malformed) {
      return intents.deliverStructured(Json.write(detail));
    }
    return intents.deliver(event);
  }
}

package dev.syncline.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.CloudEventsFunction;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.Replica;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.ChangeEvents;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The intent function: Eventarc delivers {@code google.cloud.pubsub.topic.v1.messagePublished}
 * for each Pub/Sub message. {@code message.data} (base64) is the intent as a structured-mode
 * CloudEvent, or, in binary mode (CloudEvents Pub/Sub binding), the event's data with its
 * attributes in {@code ce-} message attributes. Returning acknowledges the message (applied,
 * duplicate, or dead-lettered as unappliable); a thrown exception makes Pub/Sub redeliver.
 */
public final class PubSubIntentFunction implements CloudEventsFunction {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Replica replica;

  public PubSubIntentFunction() {
    this(null);
  }

  PubSubIntentFunction(Replica replica) {
    this.replica = replica;
  }

  @Override
  public void accept(CloudEvent event) {
    IntentDelivery intents = (replica != null ? replica : GcpReplica.shared()).intents;
    byte[] envelope = event.getData() == null ? new byte[0] : event.getData().toBytes();
    JsonNode message;
    byte[] data;
    try {
      message = JSON.readTree(envelope).path("message");
      data = Base64.getDecoder().decode(message.path("data").asText(""));
    } catch (IOException | IllegalArgumentException e) {
      intents.deliverStructured(envelope); // not a Pub/Sub envelope: dead-lettered with its bytes
      return;
    }
    JsonNode attributes = message.path("attributes");
    if (attributes.has("ce-specversion")) {
      Map<String, String> headers = new HashMap<>();
      attributes.fields().forEachRemaining(a -> headers.put(a.getKey(), a.getValue().asText()));
      CloudEvent intent;
      try {
        intent = ChangeEvents.fromHttp(headers, data);
      } catch (SynclineException malformed) {
        intents.deliverStructured(data);
        return;
      }
      intents.deliver(intent, data);
    } else {
      intents.deliverStructured(data);
    }
  }
}

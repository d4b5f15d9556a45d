package dev.syncline.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.json.Json;
import io.cloudevents.CloudEvent;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A Pub/Sub message holding a write intent, as both intent functions receive it:
 * {@code {"message":{"data":<base64>,"attributes":{...},...},"subscription":...}}. The data is the
 * intent as a structured-mode CloudEvent or, in binary mode (CloudEvents Pub/Sub binding), the
 * event's data with its attributes in {@code ce-} message attributes.
 */
final class PubSubMessages {


  private PubSubMessages() {}

  /**
   * Applies the intent the message holds, exactly once. Returns normally when the message may be
   * acknowledged: applied, a duplicate, or dead-lettered as unappliable (anything that is not a
   * Pub/Sub message goes to the dead-letter table with its bytes).
   *
   * @throws SynclineException when the store failed; the message must be redelivered
   */
  static IntentDelivery.Result deliver(IntentDelivery intents, byte[] envelope) {
    JsonNode message;
    byte[] data;
    try {
      message = Json.parse(envelope, "Pub/Sub message").path("message");
      data = Base64.getDecoder().decode(message.path("data").asText(""));
    } catch (SynclineException | IllegalArgumentException e) {
      return intents.deliverStructured(envelope);
    }
    JsonNode attributes = message.path("attributes");
    if (!attributes.has("ce-specversion")) {
      return intents.deliverStructured(data);
    }
    Map<String, String> headers = new HashMap<>();
    attributes.fields().forEachRemaining(a -> headers.put(a.getKey(), a.getValue().asText()));
    CloudEvent intent;
    try {
      intent = ChangeEvents.fromBinary(headers, data);
    } catch (SynclineException malformed) {
      return intents.deliverStructured(data);
    }
    return intents.deliver(intent);
  }
}

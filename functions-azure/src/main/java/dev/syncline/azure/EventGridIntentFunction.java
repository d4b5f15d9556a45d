package dev.syncline.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.syncline.core.IntentDelivery;
import java.nio.charset.StandardCharsets;

/**
 * The intent function: an Event Grid subscription (CloudEvents 1.0 schema) delivers each intent
 * as the CloudEvent JSON bound to a String. Returning acknowledges it (applied, duplicate, or
 * dead-lettered as unappliable); a thrown exception makes Event Grid retry.
 */
public final class EventGridIntentFunction {

  private final AzureReplica replica;

  public EventGridIntentFunction() {
    this(null);
  }

  EventGridIntentFunction(AzureReplica replica) {
    this.replica = replica;
  }

  @FunctionName("EventGridIntent")
  public void run(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
    AzureReplica r = replica != null ? replica : AzureReplica.shared();
    IntentDelivery.Result result = r.intents.deliverStructured(event.getBytes(StandardCharsets.UTF_8));
    if (context != null) {
      context.getLogger().fine("intent " + result);
    }
  }
}

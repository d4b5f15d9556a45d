package dev.syncline.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.Replica;
import io.cloudevents.CloudEvent;

/**
 * The intent function for an Eventarc trigger: Eventarc delivers {@code
 * google.cloud.pubsub.topic.v1.messagePublished} for each Pub/Sub message (see {@link
 * PubSubMessages} for what the message holds). Returning acknowledges the message (applied,
 * duplicate, or dead-lettered as unappliable); a thrown exception makes Pub/Sub redeliver.
 *
 * <p>Terraform deploys {@link PubSubPushIntentFunction} instead: an Eventarc trigger's
 * subscription cannot be given a dead-letter topic. This one stays for the sandbox's Eventarc bus
 * and for deployments that prefer Eventarc.
 */
public final class PubSubIntentFunction implements CloudEventsFunction {

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
    PubSubMessages.deliver(intents, event.getData() == null ? new byte[0] : event.getData().toBytes());
  }
}

package dev.syncline.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.syncline.core.Replica;
import dev.syncline.core.outbox.OutboxDrain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The scheduled drain (EventBridge Scheduler, every minute): forwards what records still owe
 * their peers, with backoff, and dead-letters what is too old. The schedule's input is ignored;
 * it answers a summary, {@code {"delivered":..,"retrying":..,"deadLettered":..,"pending":..,
 * "outboxAgeMillis":..}}, and logs {@code OutboxPending} and {@code OutboxAge} as EMF metrics.
 *
 * <p>Handler string: {@code dev.syncline.aws.OutboxDrainHandler::handleRequest}.
 */
public final class OutboxDrainHandler implements RequestStreamHandler {

  /** Records drained per invocation. */
  static final int BATCH = 500;

  private final Replica replica;

  public OutboxDrainHandler() {
    this(null);
  }

  OutboxDrainHandler(Replica replica) {
    this.replica = replica;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.readAllBytes();
    OutboxDrain.Report r = (replica != null ? replica : AwsReplica.shared()).drain.drainPending(BATCH);
    output.write(String.format(
        "{\"delivered\":%d,\"retrying\":%d,\"deadLettered\":%d,\"pending\":%d,\"outboxAgeMillis\":%d}",
        r.delivered(), r.retrying(), r.deadLettered(), r.pending(), r.outboxAgeMillis()).getBytes(StandardCharsets.UTF_8));
  }
}

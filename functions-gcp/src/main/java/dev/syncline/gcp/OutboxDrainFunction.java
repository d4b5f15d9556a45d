package dev.syncline.gcp;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.syncline.core.Replica;
import dev.syncline.core.outbox.OutboxDrain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The scheduled drain: Cloud Scheduler calls it every minute (an authenticated HTTP target). It
 * forwards what records still owe their peers, with backoff, and dead-letters what is too old.
 * It answers a JSON summary ({@code delivered}, {@code retrying}, {@code deadLettered}, {@code
 * pending}, {@code outboxAgeMillis}) and logs the {@code OutboxPending} and {@code OutboxAge}
 * metric lines on stdout.
 */
public final class OutboxDrainFunction implements HttpFunction {

  static final int BATCH = 500;

  private final Replica replica;

  public OutboxDrainFunction() {
    this(null);
  }

  OutboxDrainFunction(Replica replica) {
    this.replica = replica;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    OutboxDrain.Report r = (replica != null ? replica : GcpReplica.shared()).drain.drainPending(BATCH);
    response.setContentType("application/json");
    response.getOutputStream().write(String.format(
        "{\"delivered\":%d,\"retrying\":%d,\"deadLettered\":%d,\"pending\":%d,\"outboxAgeMillis\":%d}",
        r.delivered(), r.retrying(), r.deadLettered(), r.pending(), r.outboxAgeMillis()).getBytes(StandardCharsets.UTF_8));
  }
}

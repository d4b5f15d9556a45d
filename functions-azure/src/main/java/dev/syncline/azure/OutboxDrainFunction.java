package dev.syncline.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.syncline.core.outbox.OutboxDrain;

/**
 * The scheduled drain, every minute: forwards what records still owe their peers, with
 * backoff, dead-letters what is too old, and removes expired dedupe rows (Table Storage has no
 * TTL). It logs a summary through the function's logger and the {@code OutboxPending} and {@code
 * OutboxAge} metric lines on stdout.
 */
public final class OutboxDrainFunction {

  static final int BATCH = 500;

  private final AzureReplica replica;

  public OutboxDrainFunction() {
    this(null);
  }

  OutboxDrainFunction(AzureReplica replica) {
    this.replica = replica;
  }

  @FunctionName("OutboxDrain")
  public void run(@TimerTrigger(name = "timer", schedule = "0 */1 * * * *") String timer, ExecutionContext context) {
    AzureReplica r = replica != null ? replica : AzureReplica.shared();
    OutboxDrain.Report report = r.drain.drainPending(BATCH);
    int expired = r.intents.sweepExpired(BATCH);
    String summary = String.format(
        "{\"delivered\":%d,\"retrying\":%d,\"deadLettered\":%d,\"pending\":%d,\"outboxAgeMillis\":%d,\"expiredDedupeRows\":%d}",
        report.delivered(), report.retrying(), report.deadLettered(), report.pending(), report.outboxAgeMillis(), expired);
    if (context != null) {
      context.getLogger().info("drain " + summary);
    }
  }
}

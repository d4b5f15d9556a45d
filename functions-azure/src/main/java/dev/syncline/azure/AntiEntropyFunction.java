package dev.syncline.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.syncline.core.repair.AntiEntropy;
import java.nio.charset.StandardCharsets;

/**
 * The scheduled anti-entropy round (docs/anti-entropy.md in shared-core): compares this period's
 * window of buckets with every peer over their signed ingress and repairs the records that differ.
 * The timer fires every minute; a round runs on the tick that opens each {@code
 * SYNCLINE_ANTI_ENTROPY_PERIOD} (every tick with the default, PT1M). It logs a one-line summary
 * through the function's logger, and the {@code AntiEntropyExchanges} and {@code Repaired} metric
 * lines on stdout.
 */
public final class AntiEntropyFunction {

  /** How often the timer fires, the schedule below. */
  static final long TICK_MILLIS = 60_000;

  private final AzureReplica replica;

  public AntiEntropyFunction() {
    this(null);
  }

  AntiEntropyFunction(AzureReplica replica) {
    this.replica = replica;
  }

  @FunctionName("AntiEntropy")
  public void run(@TimerTrigger(name = "timer", schedule = "0 */1 * * * *") String timer, ExecutionContext context) {
    AzureReplica r = replica != null ? replica : AzureReplica.shared();
    long now = r.clock.millis();
    AntiEntropy.Settings settings = r.antiEntropy.settings();
    if (Math.floorMod(now, settings.roundPeriod().toMillis()) >= TICK_MILLIS) {
      if (context != null) {
        context.getLogger().fine("anti-entropy: not the first tick of a " + settings.roundPeriod() + " period");
      }
      return;
    }
    int first = r.antiEntropy.windowStart(now);
    AntiEntropy.Report report = r.antiEntropy.round(first, settings.bucketsPerRound());
    if (context != null) {
      context.getLogger().info("anti-entropy " + new String(report.toJson(), StandardCharsets.UTF_8));
    }
  }
}

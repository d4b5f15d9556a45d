package dev.syncline.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.syncline.core.json.Json;
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
      context.getLogger().info("anti-entropy " + summary(first, settings.bucketsPerRound(), report));
    }
  }

  /** The report as one line of JSON, with the window of buckets it compared. */
  static String summary(int first, int count, AntiEntropy.Report report) {
    return new String(Json.write(g -> {
      g.writeStartObject();
      g.writeNumberField("firstBucket", first);
      g.writeNumberField("buckets", count);
      g.writeNumberField("exchanges", report.exchanges());
      g.writeArrayFieldStart("unreachable");
      for (String peer : report.unreachable()) {
        g.writeString(peer);
      }
      g.writeEndArray();
      g.writeNumberField("bucketsDiffering", report.bucketsDiffering());
      g.writeNumberField("keysDiffering", report.keysDiffering());
      g.writeNumberField("pulled", report.pulled());
      g.writeNumberField("pushed", report.pushed());
      g.writeNumberField("failed", report.failed());
      g.writeNumberField("bytesSent", report.bytesSent());
      g.writeNumberField("bytesReceived", report.bytesReceived());
      g.writeEndObject();
    }), StandardCharsets.UTF_8);
  }
}

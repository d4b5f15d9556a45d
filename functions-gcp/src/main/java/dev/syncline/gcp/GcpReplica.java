package dev.syncline.gcp;

import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import dev.syncline.core.Replica;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.metrics.LogLineMetrics;
import dev.syncline.gcp.bigtable.BigtableDeadLetterSink;
import dev.syncline.gcp.bigtable.BigtableDedupeStore;
import dev.syncline.gcp.bigtable.BigtableRecordStore;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Wires the core's {@link Replica} to Bigtable; {@link #shared()} builds it once per instance, on
 * first use, for every function in it.
 */
public final class GcpReplica {

  private GcpReplica() {}

  static Replica shared() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final Replica INSTANCE = create(GcpConfig.fromEnvironment(), Clock.system());
  }

  public static Replica create(GcpConfig config, Clock clock) {
    BigtableDataSettings.Builder settings = config.emulatorPort()
        .map(BigtableDataSettings::newBuilderForEmulator)
        .orElseGet(BigtableDataSettings::newBuilder)
        .setProjectId(config.project())
        .setInstanceId(config.instance());
    try {
      return create(config, clock, BigtableDataClient.create(settings.build()));
    } catch (IOException e) {
      throw SynclineException.unavailable("could not create the Bigtable client", e);
    }
  }

  /** Wires a replica on a given Bigtable client, its metrics on stdout. */
  public static Replica create(GcpConfig config, Clock clock, BigtableDataClient bigtable) {
    return create(config, clock, bigtable, line -> System.out.println(line));
  }

  /**
   * Wires a replica on a given Bigtable client.
   *
   * @param metricLines where each metric goes, as one {@link CloudLoggingFormat} JSON line; in
   *     Google Cloud, stdout, which Cloud Logging reads as structured entries
   */
  public static Replica create(GcpConfig config, Clock clock, BigtableDataClient bigtable, Consumer<String> metricLines) {
    return Replica.builder(config.common())
        .stores(
            new BigtableRecordStore(bigtable, config.recordsTable()),
            new BigtableDedupeStore(bigtable, config.dedupeTable()),
            new BigtableDeadLetterSink(bigtable, config.deadLettersTable(), clock))
        .clock(clock)
        .metrics(new LogLineMetrics(config.common().replicaId(), new CloudLoggingFormat(), metricLines, clock))
        .build();
  }
}

package dev.syncline.gcp;

import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.Replica;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.http.IngressHandler;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.gcp.bigtable.BigtableDeadLetterSink;
import dev.syncline.gcp.bigtable.BigtableDedupeStore;
import dev.syncline.gcp.bigtable.BigtableRecordStore;
import java.io.IOException;

/** One replica's core wired to Bigtable: built once per instance, on first use, and shared. */
public final class GcpReplica {

  final IntentDelivery intents;
  final IngressHandler ingress;
  final OutboxDrain drain;

  private GcpReplica(IntentDelivery intents, IngressHandler ingress, OutboxDrain drain) {
    this.intents = intents;
    this.ingress = ingress;
    this.drain = drain;
  }

  static GcpReplica shared() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final GcpReplica INSTANCE = create(GcpConfig.fromEnvironment(), Clock.system());
  }

  public static GcpReplica create(GcpConfig config, Clock clock) {
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

  public static GcpReplica create(GcpConfig config, Clock clock, BigtableDataClient bigtable) {
    Replica replica = Replica.wire(
        config.replicaId(), config.peers(), config.secrets(), config.allowPlainHttpToLoopback(),
        new BigtableRecordStore(bigtable, config.recordsTable()),
        new BigtableDedupeStore(bigtable, config.dedupeTable()),
        new BigtableDeadLetterSink(bigtable, config.deadLettersTable(), clock),
        clock);
    return new GcpReplica(replica.intents, replica.ingress, replica.drain);
  }
}

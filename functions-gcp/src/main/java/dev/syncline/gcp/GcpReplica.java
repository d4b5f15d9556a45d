package dev.syncline.gcp;

import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.ReplicaConfig;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.http.HttpPeerClient;
import dev.syncline.core.http.IngressHandler;
import dev.syncline.core.http.WebhookVerifier;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.core.port.ConflictSink;
import dev.syncline.core.port.Metrics;
import dev.syncline.gcp.bigtable.BigtableDeadLetterSink;
import dev.syncline.gcp.bigtable.BigtableDedupeStore;
import dev.syncline.gcp.bigtable.BigtableRecordStore;
import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;

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
    BigtableRecordStore records = new BigtableRecordStore(bigtable, config.recordsTable());
    BigtableDeadLetterSink deadLetters = new BigtableDeadLetterSink(bigtable, config.deadLettersTable(), clock);
    ReplicaConfig replica = ReplicaConfig.of(config.replicaId(), config.peers());
    SyncEngine engine = new SyncEngine(
        replica, records, new BigtableDedupeStore(bigtable, config.dedupeTable()),
        new HybridLogicalClock(clock, replica.maxSkew().toMillis()), Metrics.NONE, ConflictSink.NONE,
        ConflictHandler.KEEP_SIBLINGS);
    HttpPeerClient peers = HttpPeerClient.builder(config.secrets(), clock)
        .allowPlainHttpToLoopback(config.allowPlainHttpToLoopback())
        .peers(config.peers())
        .build();
    OutboxDrain drain = new OutboxDrain(
        config.replicaId(), config.peers(), records, peers, deadLetters, clock, Metrics.NONE,
        Backoff.standard(), Duration.ofDays(7), new SplittableRandom());
    return new GcpReplica(
        new IntentDelivery(engine, drain, deadLetters),
        new IngressHandler(engine, new WebhookVerifier(config.secrets(), clock)),
        drain);
  }
}

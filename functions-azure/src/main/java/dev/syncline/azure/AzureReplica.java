package dev.syncline.azure;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.syncline.azure.tables.TableStorageDeadLetterSink;
import dev.syncline.azure.tables.TableStorageDedupeStore;
import dev.syncline.azure.tables.TableStorageRecordStore;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.ReplicaConfig;
import dev.syncline.core.SyncEngine;
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
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * One replica's core wired to Azure Table Storage: built once per worker, on first use, and
 * shared by every function in it.
 */
public final class AzureReplica {

  final IntentDelivery intents;
  final IngressHandler ingress;
  final OutboxDrain drain;
  final TableStorageDedupeStore dedupe;
  final Clock clock;

  private AzureReplica(IntentDelivery intents, IngressHandler ingress, OutboxDrain drain,
      TableStorageDedupeStore dedupe, Clock clock) {
    this.intents = intents;
    this.ingress = ingress;
    this.drain = drain;
    this.dedupe = dedupe;
    this.clock = clock;
  }

  static AzureReplica shared() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final AzureReplica INSTANCE = create(AzureConfig.fromEnvironment(), Clock.system());
  }

  /** Wires a replica from configuration: a connection string, or the tables endpoint with managed identity. */
  public static AzureReplica create(AzureConfig config, Clock clock) {
    TableServiceClientBuilder builder = new TableServiceClientBuilder();
    if (config.storageConnection().isPresent()) {
      builder.connectionString(config.storageConnection().get());
    } else {
      builder.endpoint(config.tablesEndpoint().orElseThrow()).credential(new DefaultAzureCredentialBuilder().build());
    }
    return create(config, clock, builder.buildClient());
  }

  /** Wires a replica on a given service client (tests, the local sandbox). */
  public static AzureReplica create(AzureConfig config, Clock clock, TableServiceClient tables) {
    TableStorageRecordStore records = new TableStorageRecordStore(tables.getTableClient(config.recordsTable()));
    TableStorageDedupeStore dedupe = new TableStorageDedupeStore(tables.getTableClient(config.dedupeTable()));
    TableStorageDeadLetterSink deadLetters =
        new TableStorageDeadLetterSink(tables.getTableClient(config.deadLettersTable()), clock);
    ReplicaConfig replica = ReplicaConfig.of(config.replicaId(), config.peers());
    SyncEngine engine = new SyncEngine(
        replica, records, dedupe, new HybridLogicalClock(clock, replica.maxSkew().toMillis()),
        Metrics.NONE, ConflictSink.NONE, ConflictHandler.KEEP_SIBLINGS);
    HttpPeerClient peers = HttpPeerClient.builder(config.secrets(), clock)
        .allowPlainHttpToLoopback(config.allowPlainHttpToLoopback())
        .peers(config.peers())
        .build();
    OutboxDrain drain = new OutboxDrain(
        config.replicaId(), config.peers(), records, peers, deadLetters, clock, Metrics.NONE,
        Backoff.standard(), Duration.ofDays(7), new SplittableRandom());
    return new AzureReplica(
        new IntentDelivery(engine, drain, deadLetters),
        new IngressHandler(engine, new WebhookVerifier(config.secrets(), clock)),
        drain, dedupe, clock);
  }
}

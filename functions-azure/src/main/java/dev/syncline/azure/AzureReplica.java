package dev.syncline.azure;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.syncline.azure.tables.TableStorageDeadLetterSink;
import dev.syncline.azure.tables.TableStorageDedupeStore;
import dev.syncline.azure.tables.TableStorageRecordStore;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.Replica;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.http.IngressHandler;
import dev.syncline.core.metrics.LogLineMetrics;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.core.repair.AntiEntropy;
import java.util.function.Consumer;

/**
 * One replica's core wired to Azure Table Storage: built once per worker, on first use, and
 * shared by every function in it.
 */
public final class AzureReplica {

  final IntentDelivery intents;
  final IngressHandler ingress;
  final OutboxDrain drain;
  final AntiEntropy antiEntropy;
  final Clock clock;

  private AzureReplica(IntentDelivery intents, IngressHandler ingress, OutboxDrain drain, AntiEntropy antiEntropy,
      Clock clock) {
    this.intents = intents;
    this.ingress = ingress;
    this.drain = drain;
    this.antiEntropy = antiEntropy;
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

  /** Wires a replica on a given service client, its metrics on stdout. */
  public static AzureReplica create(AzureConfig config, Clock clock, TableServiceClient tables) {
    return create(config, clock, tables, line -> System.out.println(line));
  }

  /**
   * Wires a replica on a given service client (tests, the local sandbox).
   *
   * @param metricLines where each metric goes, as one {@link AppInsightsTraceFormat} line; in
   *     Azure, stdout, which the Functions host logs and Application Insights keeps in {@code traces}
   */
  public static AzureReplica create(
      AzureConfig config, Clock clock, TableServiceClient tables, Consumer<String> metricLines) {
    Replica replica = Replica.builder(config.common())
        .stores(
            new TableStorageRecordStore(tables.getTableClient(config.recordsTable())),
            new TableStorageDedupeStore(tables.getTableClient(config.dedupeTable())),
            new TableStorageDeadLetterSink(tables.getTableClient(config.deadLettersTable()), clock))
        .clock(clock)
        .metrics(new LogLineMetrics(config.common().replicaId(), new AppInsightsTraceFormat(), metricLines, clock))
        .build();
    return new AzureReplica(replica.intents, replica.ingress, replica.drain, replica.antiEntropy, clock);
  }
}

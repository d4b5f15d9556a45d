package dev.syncline.e2e.sandbox;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.cloud.bigtable.emulator.v2.Emulator;
import dev.syncline.aws.dynamodb.DynamoDbDeadLetterSink;
import dev.syncline.aws.dynamodb.DynamoDbDedupeStore;
import dev.syncline.aws.dynamodb.DynamoDbRecordStore;
import dev.syncline.e2e.net.Http;
import dev.syncline.gcp.bigtable.BigtableDeadLetterSink;
import dev.syncline.gcp.bigtable.BigtableDedupeStore;
import dev.syncline.gcp.bigtable.BigtableRecordStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The three storage emulators, started as child processes on free loopback ports, with the tables
 * Terraform would create (the stores' own {@code createTable} helpers, so the schemas match):
 * dynalite (DynamoDB), Azurite's table service (Azure Table Storage) and the Bigtable emulator
 * bundled in google-cloud-bigtable-emulator. Every store is in memory; a new sandbox starts empty.
 */
public final class Emulators implements AutoCloseable {

  public static final String AWS_RECORDS = "syncline-records";
  public static final String AWS_DEDUPE = "syncline-dedupe";
  public static final String AWS_DEAD_LETTERS = "syncline-dead-letters";
  public static final String AZURE_RECORDS = "synclineRecords";
  public static final String AZURE_DEDUPE = "synclineDedupe";
  public static final String AZURE_DEAD_LETTERS = "synclineDeadLetters";
  public static final String GCP_RECORDS = "syncline-records";
  public static final String GCP_DEDUPE = "syncline-dedupe";
  public static final String GCP_DEAD_LETTERS = "syncline-dead-letters";
  public static final String GCP_PROJECT = "syncline-sandbox";
  public static final String GCP_INSTANCE = "syncline";

  /** Azurite's well-known development account (public, documented by Microsoft). */
  private static final String AZURITE_ACCOUNT = "devstoreaccount1";
  private static final String AZURITE_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final ChildProcess dynalite;
  private final ChildProcess azurite;
  private final Emulator bigtable;
  private final URI dynamoDbEndpoint;
  private final String azureConnection;

  private Emulators(ChildProcess dynalite, URI dynamoDbEndpoint, ChildProcess azurite, String azureConnection, Emulator bigtable) {
    this.dynalite = dynalite;
    this.dynamoDbEndpoint = dynamoDbEndpoint;
    this.azurite = azurite;
    this.azureConnection = azureConnection;
    this.bigtable = bigtable;
  }

  /** Starts the three emulators in parallel-safe order and creates every table. */
  public static Emulators start(Layout layout) {
    int dynPort = Http.freePort();
    ChildProcess dyn = ChildProcess.start("dynalite",
        List.of("node", layout.dynaliteCli().toString(), "--port", Integer.toString(dynPort), "--host", "127.0.0.1",
            "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"),
        Map.of(), layout.logs().resolve("emulator-dynalite.log"));
    int azPort = Http.freePort();
    ChildProcess az = ChildProcess.start("azurite",
        List.of("node", layout.azuriteTableCli().toString(), "--tableHost", "127.0.0.1", "--tablePort",
            Integer.toString(azPort), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent"),
        Map.of(), layout.logs().resolve("emulator-azurite.log"));
    Emulator bt;
    try {
      bt = Emulator.createBundled();
      bt.start(); // the library stops it when this JVM exits
    } catch (Exception e) {
      dyn.close();
      az.close();
      throw new IllegalStateException("the Bigtable emulator did not start", e);
    }
    dyn.awaitLog("listening", STARTUP);
    az.awaitLog("successfully started", STARTUP);
    URI dynEndpoint = URI.create("http://127.0.0.1:" + dynPort);
    String azConnection = "DefaultEndpointsProtocol=http;AccountName=" + AZURITE_ACCOUNT + ";AccountKey=" + AZURITE_KEY
        + ";TableEndpoint=http://127.0.0.1:" + azPort + "/" + AZURITE_ACCOUNT + ";";
    Emulators emulators = new Emulators(dyn, dynEndpoint, az, azConnection, bt);
    emulators.createTables();
    return emulators;
  }

  private void createTables() {
    try (DynamoDbClient dynamo = dynamoDb()) {
      DynamoDbRecordStore.createTable(dynamo, AWS_RECORDS);
      DynamoDbDedupeStore.createTable(dynamo, AWS_DEDUPE);
      DynamoDbDeadLetterSink.createTable(dynamo, AWS_DEAD_LETTERS);
    }
    TableServiceClient tables = new TableServiceClientBuilder().connectionString(azureConnection).buildClient();
    tables.createTableIfNotExists(AZURE_RECORDS);
    tables.createTableIfNotExists(AZURE_DEDUPE);
    tables.createTableIfNotExists(AZURE_DEAD_LETTERS);
    try (BigtableTableAdminClient admin = BigtableTableAdminClient.create(BigtableTableAdminSettings
        .newBuilderForEmulator(bigtable.getPort()).setProjectId(GCP_PROJECT).setInstanceId(GCP_INSTANCE).build())) {
      BigtableRecordStore.createTable(admin, GCP_RECORDS);
      BigtableDedupeStore.createTable(admin, GCP_DEDUPE, Duration.ofDays(7));
      BigtableDeadLetterSink.createTable(admin, GCP_DEAD_LETTERS);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("could not reach the Bigtable emulator", e);
    }
  }

  /** A DynamoDB client for the emulator (close it). */
  public DynamoDbClient dynamoDb() {
    return DynamoDbClient.builder()
        .endpointOverride(dynamoDbEndpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** The environment the AWS functions need to use dynalite and the tables. */
  public Map<String, String> awsEnv() {
    return Map.of(
        "SYNCLINE_DYNAMODB_ENDPOINT", dynamoDbEndpoint.toString(),
        "SYNCLINE_RECORDS_TABLE", AWS_RECORDS,
        "SYNCLINE_DEDUPE_TABLE", AWS_DEDUPE,
        "SYNCLINE_DEAD_LETTERS_TABLE", AWS_DEAD_LETTERS,
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "local",
        "AWS_SECRET_ACCESS_KEY", "local");
  }

  /** The environment the Azure functions need to use Azurite and the tables. */
  public Map<String, String> azureEnv() {
    return Map.of(
        "SYNCLINE_STORAGE_CONNECTION", azureConnection,
        "SYNCLINE_RECORDS_TABLE", AZURE_RECORDS,
        "SYNCLINE_DEDUPE_TABLE", AZURE_DEDUPE,
        "SYNCLINE_DEAD_LETTERS_TABLE", AZURE_DEAD_LETTERS);
  }

  /** The environment the Google Cloud functions need to use the Bigtable emulator and the tables. */
  public Map<String, String> gcpEnv() {
    return Map.of(
        "SYNCLINE_BIGTABLE_PROJECT", GCP_PROJECT,
        "SYNCLINE_BIGTABLE_INSTANCE", GCP_INSTANCE,
        "SYNCLINE_BIGTABLE_EMULATOR_PORT", Integer.toString(bigtable.getPort()),
        "SYNCLINE_RECORDS_TABLE", GCP_RECORDS,
        "SYNCLINE_DEDUPE_TABLE", GCP_DEDUPE,
        "SYNCLINE_DEAD_LETTERS_TABLE", GCP_DEAD_LETTERS);
  }

  /** A dead letter as a cloud's table holds it: what it was, why, and the event's id. */
  public record StoredDeadLetter(String kind, String eventId, String reason) {}

  /** Every dead letter in a cloud's dead-letter table, read straight from its emulator. */
  public List<StoredDeadLetter> deadLetters(String cloud) {
    List<StoredDeadLetter> out = new ArrayList<>();
    switch (cloud) {
      case "aws" -> {
        try (DynamoDbClient dynamo = dynamoDb()) {
          dynamo.scanPaginator(b -> b.tableName(AWS_DEAD_LETTERS)).items().forEach(i -> out.add(new StoredDeadLetter(
              i.get("kind").s(), i.containsKey("eventId") ? i.get("eventId").s() : null, i.get("reason").s())));
        }
      }
      case "azure" -> new TableServiceClientBuilder().connectionString(azureConnection).buildClient()
          .getTableClient(AZURE_DEAD_LETTERS).listEntities().forEach(e -> out.add(new StoredDeadLetter(
              e.getPartitionKey(), (String) e.getProperty("eventId"), (String) e.getProperty("reason"))));
      case "gcp" -> {
        try (BigtableDataClient data = BigtableDataClient.create(BigtableDataSettings
            .newBuilderForEmulator(bigtable.getPort()).setProjectId(GCP_PROJECT).setInstanceId(GCP_INSTANCE).build())) {
          for (Row row : data.readRows(Query.create(TableId.of(GCP_DEAD_LETTERS)))) {
            String key = row.getKey().toStringUtf8();
            out.add(new StoredDeadLetter(key.substring(0, key.indexOf('#')), cell(row, "eventId"), cell(row, "reason")));
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("could not reach the Bigtable emulator", e);
        }
      }
      default -> throw new IllegalArgumentException("unknown cloud " + cloud);
    }
    return out;
  }

  /** Whether a cloud's three tables (records, dedupe, dead letters) hold nothing, read from its emulator. */
  public boolean empty(String cloud) {
    switch (cloud) {
      case "aws" -> {
        try (DynamoDbClient dynamo = dynamoDb()) {
          return List.of(AWS_RECORDS, AWS_DEDUPE, AWS_DEAD_LETTERS).stream()
              .allMatch(t -> dynamo.scan(b -> b.tableName(t).limit(1)).count() == 0);
        }
      }
      case "azure" -> {
        TableServiceClient tables = new TableServiceClientBuilder().connectionString(azureConnection).buildClient();
        return List.of(AZURE_RECORDS, AZURE_DEDUPE, AZURE_DEAD_LETTERS).stream()
            .allMatch(t -> !tables.getTableClient(t).listEntities(new ListEntitiesOptions().setTop(1), null, null)
                .iterator().hasNext());
      }
      case "gcp" -> {
        try (BigtableDataClient data = BigtableDataClient.create(BigtableDataSettings
            .newBuilderForEmulator(bigtable.getPort()).setProjectId(GCP_PROJECT).setInstanceId(GCP_INSTANCE).build())) {
          return List.of(GCP_RECORDS, GCP_DEDUPE, GCP_DEAD_LETTERS).stream()
              .allMatch(t -> !data.readRows(Query.create(TableId.of(t)).limit(1)).iterator().hasNext());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("could not reach the Bigtable emulator", e);
        }
      }
      default -> throw new IllegalArgumentException("unknown cloud " + cloud);
    }
  }

  private static String cell(Row row, String qualifier) {
    List<RowCell> cells = row.getCells("l", qualifier);
    return cells.isEmpty() ? null : cells.get(0).getValue().toStringUtf8();
  }

  @Override
  public void close() {
    dynalite.close();
    azurite.close();
    try {
      bigtable.stop();
    } catch (Exception e) {
      // it is stopped with this JVM anyway
    }
  }
}

package dev.syncline.aws.dynamodb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The dynalite DynamoDB emulator (npm, pinned in {@code functions-aws/dynalite}, installed by
 * the build), started once per test JVM on a free loopback port and stopped when the JVM exits.
 * Startup waits for dynalite's own "listening" line, not for time to pass.
 */
public final class Dynalite {

  private static Dynalite instance;

  public final URI endpoint;
  public final DynamoDbClient client;
  public final DynamoDbEnhancedClient enhanced;
  private final Process process;

  private Dynalite(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
    this.client = DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    this.enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build();
  }

  public static synchronized Dynalite get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> instance.process.destroy()));
    }
    return instance;
  }

  /** A fresh, uniquely named table name. */
  public static String uniqueTable(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  private static Dynalite start() {
    Path dir = Path.of(System.getProperty("syncline.dynalite.dir", "dynalite"));
    Path cli = dir.resolve("node_modules/dynalite/cli.js");
    if (!Files.exists(cli)) {
      throw new IllegalStateException(cli + " is missing: the build installs it with 'npm ci' in " + dir);
    }
    int port = freePort();
    try {
      Process p = new ProcessBuilder("node", cli.toString(), "--port", Integer.toString(port),
              "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
          .redirectErrorStream(true)
          .start();
      CompletableFuture<Void> listening = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = out.readLine()) != null; ) {
            if (line.contains("listening")) {
              listening.complete(null);
            }
          }
          listening.completeExceptionally(new IllegalStateException("dynalite exited with " + p.waitFor()));
        } catch (IOException | InterruptedException e) {
          listening.completeExceptionally(e);
        }
      }, "dynalite-output");
      reader.setDaemon(true);
      reader.start();
      listening.get(60, TimeUnit.SECONDS);
      return new Dynalite(p, URI.create("http://127.0.0.1:" + port));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start node: is Node.js installed?", e);
    } catch (Exception e) {
      throw new IllegalStateException("dynalite did not start", e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

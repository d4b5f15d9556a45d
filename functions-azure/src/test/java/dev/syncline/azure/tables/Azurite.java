package dev.syncline.azure.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Azurite's table service (npm, pinned in {@code functions-azure/azurite}, installed by the
 * build), in memory, started once per test JVM on a free loopback port and stopped when the JVM
 * exits. Startup waits for Azurite's own "successfully started" line.
 */
public final class Azurite {

  /** Azurite's well-known development account. */
  private static final String ACCOUNT = "devstoreaccount1";
  private static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static Azurite instance;

  public final String connectionString;
  public final TableServiceClient service;
  private final Process process;

  private Azurite(Process process, int port) {
    this.process = process;
    this.connectionString = "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
        + ";TableEndpoint=http://127.0.0.1:" + port + "/" + ACCOUNT + ";";
    this.service = new TableServiceClientBuilder().connectionString(connectionString).buildClient();
  }

  public static synchronized Azurite get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> instance.process.destroy()));
    }
    return instance;
  }

  /** A new, empty table with a unique name. */
  public TableClient freshTable(String prefix) {
    String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    service.createTable(name);
    return service.getTableClient(name);
  }

  private static Azurite start() {
    Path dir = Path.of(System.getProperty("syncline.azurite.dir", "azurite"));
    Path main = dir.resolve("node_modules/azurite/dist/src/table/main.js");
    if (!Files.exists(main)) {
      throw new IllegalStateException(main + " is missing: the build installs it with 'npm ci' in " + dir);
    }
    int port = freePort();
    try {
      Process p = new ProcessBuilder("node", main.toString(), "--tableHost", "127.0.0.1", "--tablePort",
              Integer.toString(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl")
          .redirectErrorStream(true)
          .start();
      CompletableFuture<Void> started = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = out.readLine()) != null; ) {
            if (line.contains("successfully started")) {
              started.complete(null);
            }
          }
          started.completeExceptionally(new IllegalStateException("Azurite exited with " + p.waitFor()));
        } catch (IOException | InterruptedException e) {
          started.completeExceptionally(e);
        }
      }, "azurite-output");
      reader.setDaemon(true);
      reader.start();
      started.get(60, TimeUnit.SECONDS);
      return new Azurite(p, port);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start node: is Node.js installed?", e);
    } catch (Exception e) {
      throw new IllegalStateException("Azurite did not start", e);
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

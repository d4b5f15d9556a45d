package dev.syncline.gcp;

import com.google.cloud.functions.invoker.runner.Invoker;
import dev.syncline.core.contract.Samples;
import dev.syncline.gcp.bigtable.BigtableDeadLetterSink;
import dev.syncline.gcp.bigtable.BigtableDedupeStore;
import dev.syncline.gcp.bigtable.BigtableEmulator;
import dev.syncline.gcp.bigtable.BigtableRecordStore;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cold start of the intent function: five times, a new JVM running java-function-invoker with
 * the function (its classes and {@code target/deploy/lib}), from process start until its answer to
 * the first Pub/Sub (Eventarc) delivery, the intent applied against the Bigtable emulator. The
 * figure includes the invoker's own HTTP server start, as a real cold start does. {@code
 * -Dsyncline.coldstart.extension=<jar>} adds an extension, as its deployment does. Not run by CI.
 */
public final class ColdStartBenchmark {

  public static void main(String[] args) throws Exception {
    Path module = Path.of(args.length > 0 ? args[0] : "functions-gcp").toAbsolutePath();
    List<String> classpath = new ArrayList<>(List.of(module.resolve("target/classes").toString()));
    long deployBytes = 0;
    try (Stream<Path> libs = Files.list(module.resolve("target/deploy/lib"))) {
      for (Path lib : (Iterable<Path>) libs::iterator) {
        classpath.add(lib.toString());
        deployBytes += Files.size(lib);
      }
    }
    // -Dsyncline.coldstart.extension=<jar>: an extension, as lib/syncline-extension-1.jar is deployed
    String extension = System.getProperty("syncline.coldstart.extension");
    if (extension != null) {
      classpath.add(Path.of(extension).toAbsolutePath().toString());
    }
    try (Stream<Path> classes = Files.walk(module.resolve("target/classes"))) {
      deployBytes += classes.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    String invokerJar = Path.of(Invoker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    BigtableEmulator emulator = BigtableEmulator.get();
    HttpClient http = HttpClient.newHttpClient();
    List<Long> runs = new ArrayList<>();
    for (int run = 1; run <= 5; run++) {
      String records = BigtableEmulator.uniqueTable("records");
      String dedupe = BigtableEmulator.uniqueTable("dedupe");
      String dead = BigtableEmulator.uniqueTable("dead");
      BigtableRecordStore.createTable(emulator.admin, records);
      BigtableDedupeStore.createTable(emulator.admin, dedupe, Duration.ofDays(8));
      BigtableDeadLetterSink.createTable(emulator.admin, dead);
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", invokerJar, "--classpath", String.join(File.pathSeparator, classpath),
          "--target", PubSubIntentFunction.class.getName(), "--port", Integer.toString(port));
      pb.environment().putAll(Map.of(
          "FUNCTION_SIGNATURE_TYPE", "cloudevent",
          "SYNCLINE_REPLICA_ID", "gcp-us-east4",
          "SYNCLINE_BIGTABLE_PROJECT", BigtableEmulator.PROJECT,
          "SYNCLINE_BIGTABLE_INSTANCE", BigtableEmulator.INSTANCE,
          "SYNCLINE_BIGTABLE_EMULATOR_PORT", Integer.toString(emulator.port),
          "SYNCLINE_RECORDS_TABLE", records,
          "SYNCLINE_DEDUPE_TABLE", dedupe,
          "SYNCLINE_DEAD_LETTERS_TABLE", dead,
          "SYNCLINE_SECRETS", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      long started = System.nanoTime();
      Process p = pb.start();
      try {
        while (!accepts(port)) {
          if (!p.isAlive()) {
            throw new IllegalStateException("the invoker exited with " + p.exitValue());
          }
        }
        long listening = (System.nanoTime() - started) / 1_000_000;
        String data = Base64.getEncoder().encodeToString(Samples.intentJson("/apps/bench", "cold-" + run, "user/cold",
            "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]"));
        String body = "{\"message\":{\"data\":\"" + data + "\",\"attributes\":{},\"messageId\":\"" + run
            + "\"},\"subscription\":\"projects/p/subscriptions/s\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("ce-id", "m-" + run).header("ce-source", "//pubsub.googleapis.com/projects/p/topics/t")
            .header("ce-type", "google.cloud.pubsub.topic.v1.messagePublished").header("ce-specversion", "1.0")
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (r.statusCode() / 100 != 2) {
          throw new IllegalStateException("run " + run + " answered " + r.statusCode());
        }
        runs.add(millis);
        System.out.printf("run %d: %d ms (the invoker listening after %d ms)%n", run, millis, listening);
      } finally {
        p.destroy();
      }
    }
    List<Long> sorted = new ArrayList<>(runs);
    Collections.sort(sorted);
    System.out.printf("cold start, new JVM to first Pub/Sub event applied: median %d ms of %s (deployable %.1f MiB)%s%n",
        sorted.get(2), runs, deployBytes / 1_048_576.0, extension == null ? "" : ", with the extension " + extension);
    System.exit(0);
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 50);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

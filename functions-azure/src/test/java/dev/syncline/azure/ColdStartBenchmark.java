package dev.syncline.azure;

import com.azure.data.tables.TableServiceClient;
import dev.syncline.azure.tables.Azurite;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Cold start of the intent function: five times, a new JVM on the packaged app (its jar and
 * {@code lib/}, plus the functions library the worker supplies) from start to its first Event
 * Grid event applied against Azurite; prints each run and the median. {@code
 * -Dsyncline.coldstart.extension=<jar>} adds an extension, as {@code lib/} does. Not run by CI.
 */
public final class ColdStartBenchmark {

  public static void main(String[] args) throws Exception {
    Path app = Path.of(args.length > 0 ? args[0] : "functions-azure/target/azure-functions/syncline-azure").toAbsolutePath();
    List<String> classpath = new ArrayList<>();
    try (Stream<Path> files = Files.list(app)) {
      files.filter(f -> f.toString().endsWith(".jar")).forEach(f -> classpath.add(f.toString()));
    }
    try (Stream<Path> libs = Files.list(app.resolve("lib"))) {
      libs.forEach(f -> classpath.add(f.toString()));
    }
    // -Dsyncline.coldstart.extension=<jar>: an extension in lib/, as it is deployed
    String extension = System.getProperty("syncline.coldstart.extension");
    if (extension != null) {
      classpath.add(Path.of(extension).toAbsolutePath().toString());
    }
    classpath.add(location(com.microsoft.azure.functions.ExecutionContext.class));
    classpath.add(location(com.microsoft.azure.functions.annotation.FunctionName.class));
    classpath.add(location(ColdStartProbe.class));
    Path event = Files.createTempFile("eventgrid", ".json");
    try (var in = ColdStartBenchmark.class.getClassLoader().getResourceAsStream("golden/eventgrid-intent.json")) {
      Files.write(event, in.readAllBytes());
    }
    Azurite azurite = Azurite.get();
    TableServiceClient service = azurite.service;
    List<Long> runs = new ArrayList<>();
    for (int run = 1; run <= 5; run++) {
      String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      for (String t : List.of("records", "dedupe", "dead")) {
        service.createTable(t + suffix);
      }
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", String.join(File.pathSeparator, classpath), ColdStartProbe.class.getName(), event.toString());
      pb.environment().putAll(Map.of(
          "SYNCLINE_REPLICA_ID", "azure-eastus",
          "SYNCLINE_STORAGE_CONNECTION", azurite.connectionString,
          "SYNCLINE_RECORDS_TABLE", "records" + suffix,
          "SYNCLINE_DEDUPE_TABLE", "dedupe" + suffix,
          "SYNCLINE_DEAD_LETTERS_TABLE", "dead" + suffix,
          "SYNCLINE_SECRETS", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String result = null;
      StringBuilder output = new StringBuilder();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          output.append(line).append('\n');
          if (line.startsWith("COLDSTART ")) {
            result = line;
          }
        }
      }
      boolean applied = service.getTableClient("records" + suffix).listEntities().stream().findAny().isPresent();
      if (p.waitFor() != 0 || result == null || !applied) {
        throw new IllegalStateException("run " + run + " failed:\n" + output);
      }
      long millis = Long.parseLong(result.split(" ")[1]);
      runs.add(millis);
      System.out.printf("run %d: %d ms%n", run, millis);
    }
    List<Long> sorted = new ArrayList<>(runs);
    Collections.sort(sorted);
    long size;
    try (Stream<Path> all = Files.walk(app)) {
      size = all.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    System.out.printf("cold start, new JVM to first Event Grid event applied: median %d ms of %s (package %.1f MiB)%s%n",
        sorted.get(2), runs, size / 1_048_576.0, extension == null ? "" : ", with the extension " + extension);
    System.exit(0);
  }

  private static String location(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}

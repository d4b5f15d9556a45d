package dev.syncline.aws;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.syncline.aws.dynamodb.Dynalite;
import dev.syncline.aws.dynamodb.DynamoDbDeadLetterSink;
import dev.syncline.aws.dynamodb.DynamoDbDedupeStore;
import dev.syncline.aws.dynamodb.DynamoDbRecordStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Cold start of the intent function: five times, a new JVM on the shaded jar (plus Lambda's
 * runtime library, as Lambda provides it) from start to its first EventBridge event applied
 * against dynalite; prints each run and the median. {@code -Dsyncline.coldstart.extension=<jar>}
 * adds an extension, as its layer does. Not run by CI; see the module README.
 */
public final class ColdStartBenchmark {

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args.length > 0 ? args[0] : "functions-aws/target/syncline-aws.jar").toAbsolutePath();
    String lambdaRuntime = Path.of(RequestStreamHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    String probe = Path.of(ColdStartProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    // -Dsyncline.coldstart.extension=<jar>: an extension beside the package, as its layer puts it
    // (after the function's own classes, in the same class loader)
    String extension = System.getProperty("syncline.coldstart.extension");
    String packageClasspath =
        extension == null ? jar.toString() : jar + java.io.File.pathSeparator + Path.of(extension).toAbsolutePath();
    Dynalite dynalite = Dynalite.get();
    List<Long> runs = new ArrayList<>();
    for (int run = 1; run <= 5; run++) {
      String records = Dynalite.uniqueTable("records");
      String dedupe = Dynalite.uniqueTable("dedupe");
      String dead = Dynalite.uniqueTable("dead");
      DynamoDbRecordStore.createTable(dynalite.client, records);
      DynamoDbDedupeStore.createTable(dynalite.client, dedupe);
      DynamoDbDeadLetterSink.createTable(dynalite.client, dead);
      Path envelope = Files.createTempFile("eventbridge", ".json");
      try (var in = ColdStartBenchmark.class.getClassLoader().getResourceAsStream("golden/eventbridge-intent.json")) {
        Files.write(envelope, in.readAllBytes());
      }
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
          "-cp", packageClasspath + java.io.File.pathSeparator + lambdaRuntime + java.io.File.pathSeparator + probe,
          ColdStartProbe.class.getName(), envelope.toString());
      pb.environment().putAll(Map.of(
          "SYNCLINE_REPLICA_ID", "aws-us-east-1",
          "SYNCLINE_RECORDS_TABLE", records,
          "SYNCLINE_DEDUPE_TABLE", dedupe,
          "SYNCLINE_DEAD_LETTERS_TABLE", dead,
          "SYNCLINE_SECRETS", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
          "SYNCLINE_DYNAMODB_ENDPOINT", dynalite.endpoint.toString()));
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String result = null;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith("COLDSTART ")) {
            result = line;
          }
        }
      }
      if (p.waitFor() != 0 || result == null || !result.contains("applied")) {
        throw new IllegalStateException("run " + run + " failed: " + result);
      }
      long millis = Long.parseLong(result.split(" ")[1]);
      runs.add(millis);
      System.out.printf("run %d: %d ms (%s)%n", run, millis, result.substring(result.indexOf('{')));
    }
    List<Long> sorted = new ArrayList<>(runs);
    Collections.sort(sorted);
    System.out.printf("cold start, new JVM to first EventBridge event applied: median %d ms of %s (jar %.1f MB)%s%n",
        sorted.get(2), runs, Files.size(jar) / 1_048_576.0, extension == null ? "" : ", with the extension " + extension);
    System.exit(0);
  }
}

package dev.syncline.aws;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link ColdStartBenchmark}: hands one EventBridge envelope to the intent
 * handler exactly as Lambda would (no-argument constructor, configuration from the environment)
 * and prints the milliseconds from JVM start to the event applied.
 */
public final class ColdStartProbe {

  public static void main(String[] args) throws Exception {
    byte[] envelope = Files.readAllBytes(Path.of(args[0]));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new EventBridgeIntentHandler().handleRequest(new ByteArrayInputStream(envelope), out, null);
    long elapsed = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.println("COLDSTART " + elapsed + " " + out);
  }
}

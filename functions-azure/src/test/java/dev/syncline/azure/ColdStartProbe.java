package dev.syncline.azure;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link ColdStartBenchmark}: hands one Event Grid event to the intent
 * function as the Java worker would (no-argument constructor, configuration from app settings)
 * and prints the milliseconds from JVM start to the event applied.
 */
public final class ColdStartProbe {

  public static void main(String[] args) throws Exception {
    String event = Files.readString(Path.of(args[0]));
    new EventGridIntentFunction().run(event, null);
    long elapsed = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.println("COLDSTART " + elapsed);
  }
}

package dev.syncline.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.syncline.core.Replica;
import dev.syncline.core.repair.AntiEntropy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled anti-entropy round (EventBridge Scheduler, every {@code SYNCLINE_ANTI_ENTROPY_PERIOD},
 * a minute by default): compares this period's window of buckets with every peer and repairs what
 * differs (shared-core {@code docs/anti-entropy.md}). The schedule's input is ignored; it answers
 * and logs a one-line summary, {@code {"exchanges":..,"unreachable":[..],"bucketsDiffering":..,
 * "keysDiffering":..,"pulled":..,"pushed":..,"failed":..,"bytesSent":..,"bytesReceived":..}}, and
 * the core logs {@code AntiEntropyExchanges} and {@code Repaired} as EMF metrics.
 *
 * <p>Handler string: {@code dev.syncline.aws.AntiEntropyHandler::handleRequest}.
 */
public final class AntiEntropyHandler implements RequestStreamHandler {

  private static final Logger log = LoggerFactory.getLogger(AntiEntropyHandler.class);

  private final Replica replica;

  public AntiEntropyHandler() {
    this(null);
  }

  AntiEntropyHandler(Replica replica) {
    this.replica = replica;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.readAllBytes();
    AntiEntropy.Report r = (replica != null ? replica : AwsReplica.shared()).antiEntropy.round();
    byte[] summary = r.toJson();
    log.info("anti-entropy round: {}", new String(summary, StandardCharsets.UTF_8));
    output.write(summary);
  }
}

package dev.syncline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.json.Json;
import dev.syncline.e2e.sandbox.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sandbox driven as an outside client drives it, with none of Syncline's code: {@code
 * scripts/outside-client/client.mjs} builds events with the CloudEvents SDK for JavaScript, signs
 * with the Standard Webhooks SDK, and writes and reads decimals with lossless-json. It publishes an
 * exact decimal on AWS's bus and reads it back on every cloud, replays a signed request to another
 * replica, sends binary mode, reuses a GET signature on another path, and posts a change stamped
 * at the end of time, each with the answer DESIGN section 6 gives.
 */
class OutsideClientIT {

  @Test
  void anOutsideClient_withTheStandardSdks_getsWhatDesignPromises() throws IOException, InterruptedException {
    Sandbox sandbox = SharedSandbox.get();
    Path dir = Path.of(System.getProperty("syncline.outsideClient.dir", "scripts/outside-client"));
    Path log = Files.createTempFile("outside-client", ".log");
    Process node = new ProcessBuilder("node", "client.mjs", sandbox.endpointsFile().toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    boolean finished = node.waitFor(3, TimeUnit.MINUTES);
    if (!finished) {
      node.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    lines.forEach(line -> System.out.println("[outside-client] " + line));
    assertThat(finished).as("the client finished").isTrue();

    List<String> failed = new ArrayList<>();
    List<String> passed = new ArrayList<>();
    JsonNode summary = null;
    for (String line : lines) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonNode n = Json.parse(line, "client output");
      if (n.has("summary")) {
        summary = n;
      } else {
        (n.get("ok").asBoolean() ? passed : failed).add(n.get("check").asText() + " " + n.get("detail"));
      }
    }
    assertThat(failed).as("checks that failed").isEmpty();
    assertThat(summary).as("the client's summary line").isNotNull();
    assertThat(summary.get("failed").asInt()).isZero();
    assertThat(passed).hasSize(9);
    assertThat(node.exitValue()).isZero();
  }
}

package dev.syncline.e2e;

import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.net.LinkFaults;
import dev.syncline.e2e.net.ProxyListener;
import dev.syncline.e2e.report.Convergence;
import dev.syncline.e2e.report.Convergence.Ref;
import dev.syncline.e2e.sandbox.Sandbox;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Anti-entropy, dead-letter replay and read repair on the three-cloud sandbox, driven over HTTP as a
 * client would: the buses, the signed ingress routes and the fault-control API.
 */
class AntiEntropyIT {

  private static final Duration APPLY = Duration.ofSeconds(30);
  private static final Duration HEAL = Duration.ofMinutes(2);

  private final Sandbox sandbox = SharedSandbox.get();

  @AfterEach
  void heal() {
    sandbox.healAll();
    sandbox.resumeAntiEntropy();
  }

  @Test
  void aDeadLetteredChangeIsHealedByAntiEntropy_andItsReplayIsThenADuplicate() throws Exception {
    // GIVEN the link AWS -> Azure answers every change 400, so AWS dead-letters what it forwards there
    Ref user = fresh("user");
    RepairsSeen repairs = new RepairsSeen(user);
    sandbox.addListener(repairs);
    try {
      sandbox.faults("aws", "azure", LinkFaults.NONE.withRefuseChanges(true));
      // WHEN a record is written on AWS
      sandbox.publishAndAwait("aws", write(id(), user.toString(), ops(set("email", "ada@example.com"))), APPLY);

      // THEN AWS lists the change among its dead letters, meant for Azure
      JsonNode letter = await().atMost(APPLY).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> changeLetterFor(user), Optional::isPresent).get();
      assertThat(letter.path("peer").asText()).isEqualTo("azure-eastus");
      assertThat(sandbox.client("azure").record(user.entity(), user.id()).statusCode()).isEqualTo(404);

      // WHEN the link is healed; no outbox owes Azure the change any more
      sandbox.healAll();
      // THEN anti-entropy brings the record to Azure: all three byte-identical, by a repair
      String view = converged(user);
      assertThat(view).contains("ada@example.com");
      assertThat(repairs.toAzure).as("anti-entropy transfers of " + user + " to Azure").isNotEmpty();

      // WHEN the dead letter is replayed
      HttpResponse<String> replay = sandbox.client("aws")
          .postJson("/admin/dead-letters/replay", "{\"id\":" + Http.JSON.writeValueAsString(letter.path("id").asText()) + "}");
      // THEN Azure took it as a duplicate, and nothing changed
      assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
      JsonNode replayed = Http.JSON.readTree(replay.body()).path("replayed");
      assertThat(replayed).hasSize(1);
      assertThat(replayed.get(0).path("id").asText()).isEqualTo(letter.path("id").asText());
      assertThat(replayed.get(0).path("outcome").asText()).isEqualTo("duplicate");
      assertThat(converged(user)).isEqualTo(view);
    } finally {
      sandbox.removeListener(repairs);
    }
  }

  @Test
  void aReadWithRepairReturnsARecordThisCloudHadNotReceived_namingWhoAnswered() throws Exception {
    // GIVEN no anti-entropy round runs (as with the schedules disabled), GCP receives nothing from
    // AWS, and GCP cannot reach Azure
    Ref doc = fresh("doc");
    sandbox.pauseAntiEntropy();
    sandbox.faults("aws", "gcp", LinkFaults.partitioned());
    sandbox.faults("gcp", "azure", LinkFaults.partitioned());
    // WHEN a record is written on AWS
    sandbox.publishAndAwait("aws", write(id(), doc.toString(), ops(set("title", "Notes"), set("pages", "12"))), APPLY);
    String onAws = sandbox.client("aws").record(doc.entity(), doc.id()).body();
    // THEN GCP has not received it
    assertThat(sandbox.client("gcp").record(doc.entity(), doc.id()).statusCode()).isEqualTo(404);

    // WHEN GCP is read with repair
    HttpResponse<String> repaired = sandbox.client("gcp").repairedRecord(doc.entity(), doc.id());

    // THEN it answers AWS's view with one more member: AWS answered, Azure did not
    assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
    assertThat(repaired.body()).startsWith(onAws.substring(0, onAws.length() - 1) + ",\"repair\":");
    JsonNode repair = Http.JSON.readTree(repaired.body()).path("repair");
    assertThat(repair.path("answered")).extracting(JsonNode::asText).containsExactly("aws-us-east-1");
    assertThat(repair.path("unanswered")).extracting(JsonNode::asText).containsExactly("azure-eastus");
    // AND it merged durably: a plain read on GCP now gives AWS's bytes
    HttpResponse<String> after = sandbox.client("gcp").record(doc.entity(), doc.id());
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo(onAws);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The dead letter of a change to {@code ref} that AWS lists at {@code GET /admin/dead-letters}. */
  private Optional<JsonNode> changeLetterFor(Ref ref) throws IOException {
    HttpResponse<String> list = sandbox.client("aws").get("/admin/dead-letters");
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    for (JsonNode group : Http.JSON.readTree(list.body()).path("groups")) {
      if (group.path("kind").asText().equals("CHANGE")) {
        for (JsonNode letter : group.path("letters")) {
          if (letter.path("subject").asText().equals(ref.toString())) {
            return Optional.of(letter);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Waits until all three clouds return the same bytes for the record, and returns them. */
  private String converged(Ref ref) {
    await().atMost(HEAL).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> sandbox.busesInFlight() == 0 && Convergence.snapshot(sandbox, List.of(ref)).converged());
    try {
      return Convergence.snapshot(sandbox, List.of(ref)).rows().get(0).view();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The anti-entropy transfers of one record to Azure, as the links see them: a repair change
   * (event id {@code repair-...}) a peer pushed and Azure answered 200, or the record's state Azure
   * pulled from a peer in its own round ({@code GET /anti-entropy/records/...} answered 200).
   */
  private static final class RepairsSeen implements ProxyListener {
    private final Ref ref;
    final List<String> toAzure = new CopyOnWriteArrayList<>();

    RepairsSeen(Ref ref) {
      this.ref = ref;
    }

    @Override
    public void exchanged(String link, String method, String path, byte[] body, int status, long start, long end) {
      if (status != 200) {
        return;
      }
      if (link.startsWith("azure->") && method.equals("GET") && path.equals("/anti-entropy/records/" + ref)) {
        toAzure.add(link + " pull");
        return;
      }
      if (!link.endsWith("->azure") || !method.equals("POST") || !path.equals("/events")) {
        return;
      }
      try {
        JsonNode event = Http.JSON.readTree(body);
        if (event.path("subject").asText().equals(ref.toString()) && event.path("id").asText().startsWith("repair-")) {
          toAzure.add(link + " " + event.path("id").asText());
        }
      } catch (IOException notJson) {
        // not a structured event: not a repair
      }
    }

    @Override
    public void faulted(String link, String fault) {}
  }

  private static Ref fresh(String entity) {
    return new Ref(entity, "ae-" + UUID.randomUUID().toString().substring(0, 12));
  }

  private static String id() {
    return "it-" + UUID.randomUUID();
  }
}

package dev.syncline.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.Limits;
import dev.syncline.core.RecordKey;
import dev.syncline.core.json.Json;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.StoredDeadLetter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterReplayTest {

  private static final String AWS = "aws-us-east-1";
  private static final String GCP = "gcp-us-east4";

  private static Mesh mesh() {
    return new Mesh(new AntiEntropy.Settings(64, 100, Duration.ofMinutes(1), 5_000, Duration.ofSeconds(2)), AWS, GCP)
        .fullyWired();
  }

  private static JsonNode replay(Mesh.Node node, String request) {
    return Json.parse(node.replica.ingress.handle(signedPost(node, "/admin/dead-letters/replay", request)).body(), "answer");
  }

  private static dev.syncline.core.http.HttpRequest signedPost(Mesh.Node node, String path, String body) {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long seconds = node.nowSeconds();
    return new dev.syncline.core.http.HttpRequest("POST", path, java.util.Map.of(
        "Content-Type", "application/json",
        dev.syncline.core.http.WebhookSignature.ID_HEADER, "admin-1",
        dev.syncline.core.http.WebhookSignature.TIMESTAMP_HEADER, Long.toString(seconds),
        dev.syncline.core.http.WebhookSignature.SIGNATURE_HEADER,
        dev.syncline.core.http.WebhookSignature.sign(node.secret, "admin-1", seconds, bytes)), bytes);
  }

  @Test
  void aChangeAPeerRefused_isReplayedToIt_andASecondReplayIsADuplicate() {
    Mesh mesh = mesh();
    RecordKey key = new RecordKey("user", "dl");
    // GIVEN GCP refuses AWS's change, so AWS dead-letters it
    mesh.refusing.add(AWS + ">" + GCP);
    mesh.node(AWS).write("i1", "user/dl", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");
    mesh.drainAll();
    List<StoredDeadLetter> letters = mesh.node(AWS).deadLetters.list(10);
    assertThat(letters).singleElement().satisfies(l -> {
      assertThat(l.letter().kind()).isEqualTo(DeadLetter.Kind.CHANGE);
      assertThat(l.letter().peer()).isEqualTo(GCP);
    });
    assertThat(mesh.node(GCP).view(key)).isEqualTo("(none)");
    // WHEN the cause is fixed and the letter replayed, by id
    mesh.refusing.clear();
    JsonNode first = replay(mesh.node(AWS), "{\"id\":\"" + letters.get(0).id() + "\"}");
    // THEN GCP has the write; a second replay, by reason, is a duplicate; the letter stays listed
    assertThat(first.at("/replayed/0/outcome").asText()).isEqualTo("applied");
    assertThat(mesh.node(GCP).view(key)).contains("a@b");
    JsonNode second = replay(mesh.node(AWS), "{\"reason\":" + Json.writeString(letters.get(0).letter().reason()) + "}");
    assertThat(second.at("/replayed/0/outcome").asText()).isEqualTo("duplicate");
    assertThat(mesh.node(AWS).metrics.replayed.get()).isEqualTo(2);
    JsonNode listed = Json.parse(mesh.node(AWS).replica.ingress.handle(signedGet(mesh.node(AWS), "/admin/dead-letters")).body(),
        "list");
    assertThat(listed.at("/groups/0/count").asInt()).isEqualTo(1);
    assertThat(listed.at("/groups/0/kind").asText()).isEqualTo("CHANGE");
    assertThat(listed.at("/groups/0/letters/0/peer").asText()).isEqualTo(GCP);
  }

  @Test
  void anIntentStillOverTheLimit_isRefusedAgain_andNothingIsWritten() {
    Mesh mesh = mesh();
    String big = "x".repeat(Limits.MAX_RECORD_BYTES + 1);
    mesh.node(AWS).write("big", "doc/big", "[{\"op\":\"set\",\"field\":\"b\",\"value\":\"" + big + "\"}]");
    StoredDeadLetter letter = mesh.node(AWS).deadLetters.list(10).get(0);

    JsonNode answer = replay(mesh.node(AWS), "{\"id\":\"" + letter.id() + "\"}");

    assertThat(answer.at("/replayed/0/outcome").asText()).isEqualTo("refused");
    assertThat(answer.at("/replayed/0/detail").asText()).contains(Integer.toString(Limits.MAX_RECORD_BYTES));
    assertThat(mesh.node(AWS).records.keys()).isEmpty();
    assertThat(mesh.node(AWS).deadLetters.list(10)).hasSize(1);
  }

  @Test
  void aReplayRequestNamingNothingKnown_is404_andOneNamingBoth_is400() {
    Mesh mesh = mesh();
    Mesh.Node aws = mesh.node(AWS);

    assertThat(aws.replica.ingress.handle(signedPost(aws, "/admin/dead-letters/replay", "{\"id\":\"nope\"}")).status()).isEqualTo(404);
    assertThat(aws.replica.ingress.handle(signedPost(aws, "/admin/dead-letters/replay", "{\"id\":\"a\",\"reason\":\"b\"}")).status())
        .isEqualTo(400);
  }

  private static dev.syncline.core.http.HttpRequest signedGet(Mesh.Node node, String path) {
    long seconds = node.nowSeconds();
    byte[] payload = ("GET " + path).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new dev.syncline.core.http.HttpRequest("GET", path, java.util.Map.of(
        dev.syncline.core.http.WebhookSignature.ID_HEADER, "admin-2",
        dev.syncline.core.http.WebhookSignature.TIMESTAMP_HEADER, Long.toString(seconds),
        dev.syncline.core.http.WebhookSignature.SIGNATURE_HEADER,
        dev.syncline.core.http.WebhookSignature.sign(node.secret, "admin-2", seconds, payload)), null);
  }

  @Test
  void anIntentThatCameInAnEnvelope_isReplayedOnceItsCauseIsFixed() {
    Mesh mesh = mesh();
    Mesh.Node aws = mesh.node(AWS);
    // GIVEN a record just under the limit, and an intent delivered as a parsed event (as the
    // EventBridge and Pub/Sub binary paths deliver it) that would take it over
    aws.write("big", "doc/near", "[{\"op\":\"set\",\"field\":\"b\",\"value\":\"" + "x".repeat(Limits.MAX_RECORD_BYTES - 2_000) + "\"}]");
    io.cloudevents.CloudEvent event = dev.syncline.core.event.IntentParser.readStructured(dev.syncline.core.contract.Samples.intentJson(
        "/apps/mesh", "more", "doc/near", "[{\"op\":\"set\",\"field\":\"c\",\"value\":\"" + "y".repeat(4_000) + "\"}]"));
    assertThat(aws.replica.intents.deliver(event)).isEqualTo(dev.syncline.core.IntentDelivery.Result.DEAD_LETTERED);
    StoredDeadLetter letter = aws.deadLetters.list(10).get(0);
    // WHEN the cause is fixed (the big field unset) and the letter replayed
    aws.write("fix", "doc/near", "[{\"op\":\"unset\",\"field\":\"b\"}]");
    JsonNode answer = replay(aws, "{\"id\":\"" + letter.id() + "\"}");
    // THEN it is applied, and the peer has it too
    assertThat(answer.at("/replayed/0/outcome").asText()).isEqualTo("applied");
    assertThat(mesh.node(GCP).view(new RecordKey("doc", "near"))).contains("\"c\":\"yyyy");
  }

  @Test
  void anIntentLetterOlderThanTheDedupeTtl_isReplayedOnlyWhenForced() {
    Mesh mesh = mesh();
    Mesh.Node aws = mesh.node(AWS);
    String big = "x".repeat(Limits.MAX_RECORD_BYTES + 1);
    aws.write("big", "doc/old", "[{\"op\":\"set\",\"field\":\"b\",\"value\":\"" + big + "\"}]");
    StoredDeadLetter letter = aws.deadLetters.list(10).get(0);
    mesh.time.addAndGet(Duration.ofDays(8).toMillis());

    JsonNode refused = replay(aws, "{\"id\":\"" + letter.id() + "\"}");
    JsonNode forced = replay(aws, "{\"id\":\"" + letter.id() + "\",\"force\":true}");

    assertThat(refused.at("/replayed/0/outcome").asText()).isEqualTo("refused");
    assertThat(refused.at("/replayed/0/detail").asText()).contains("dedupe window").contains("force");
    // forced, it is judged again (and is still too large)
    assertThat(forced.at("/replayed/0/detail").asText()).contains(Integer.toString(Limits.MAX_RECORD_BYTES));
  }
}

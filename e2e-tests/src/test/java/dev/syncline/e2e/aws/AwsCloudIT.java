package dev.syncline.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.e2e.SharedSandbox;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.sandbox.CloudSpec;
import dev.syncline.e2e.sandbox.Emulators;
import dev.syncline.e2e.sandbox.IngressClient;
import dev.syncline.e2e.sandbox.Intents;
import dev.syncline.e2e.sandbox.Layout;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The AWS functions hosted as Lambda hosts them (Runtime Interface Client against the local
 * Runtime API) on dynalite: EventBridge delivery, the Function URL front and the scheduled drain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsCloudIT {

  private Emulators emulators;
  private AwsCloud cloud;
  private IngressClient ingress;

  @BeforeAll
  void start() {
    SharedSandbox.close(); // not to share the machine with its schedules
    Layout layout = Layout.detect();
    emulators = Emulators.start(layout);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
    Map<String, String> env = new HashMap<>(emulators.awsEnv());
    env.put("SYNCLINE_REPLICA_ID", "aws-us-east-1");
    env.put("SYNCLINE_SECRETS", secret);
    env.put("SYNCLINE_PEERS", "");
    long t0 = System.nanoTime();
    cloud = AwsCloud.start(new CloudSpec("aws", "aws-us-east-1", env, List.of("-Xmx256m"), layout));
    System.out.printf("AwsCloud.start took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    ingress = new IngressClient(cloud.ingress(), secret, null);
  }

  @AfterAll
  void stop() {
    if (cloud != null) {
      cloud.close();
    }
    if (emulators != null) {
      emulators.close();
    }
  }

  @Test
  void intentDeliveredByEventBridge_isReadableThroughTheFunctionUrl() throws Exception {
    String id = "user-" + UUID.randomUUID();

    int status = cloud.busTarget().deliver(Intents.write(UUID.randomUUID().toString(), "user/" + id,
        Intents.ops(Intents.set("email", "ada@example.com"), Intents.add("tags", "beta"))), 1);
    HttpResponse<String> view = ingress.record("user", id);

    assertThat(status).isEqualTo(200);
    assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
    JsonNode json = Http.JSON.readTree(view.body());
    assertThat(json.path("fields").path("email").asText()).isEqualTo("ada@example.com");
    assertThat(json.path("fields").path("tags").toString()).isEqualTo("[\"beta\"]");
    assertThat(view.headers().firstValue("content-type")).hasValue("application/json");
  }

  @Test
  void duplicateDelivery_keepsTheCounterExact() throws Exception {
    String id = "user-" + UUID.randomUUID();
    byte[] intent = Intents.write(UUID.randomUUID().toString(), "user/" + id, Intents.ops(Intents.incr("logins", 1)));

    int first = cloud.busTarget().deliver(intent, 1);
    int second = cloud.busTarget().deliver(intent, 2);

    assertThat(first).isEqualTo(200);
    assertThat(second).isEqualTo(200);
    HttpResponse<String> view = ingress.record("user", id);
    assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
    assertThat(Http.JSON.readTree(view.body()).path("fields").path("logins").asLong()).isEqualTo(1);
  }

  @Test
  void unsignedRequest_is401ProblemThroughTheFunctionUrl() throws Exception {
    HttpResponse<String> response = ingress.send(HttpRequest.newBuilder(cloud.ingress().resolve("/records/user/42")).GET().build());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(Http.JSON.readTree(response.body()).path("status").asInt()).isEqualTo(401);
  }

  @Test
  void signedChangePostedToTheFunctionUrl_isApplied() throws Exception {
    String id = "user-" + UUID.randomUUID();
    String eventId = UUID.randomUUID().toString();
    byte[] intent = Intents.write(eventId, "user/" + id, Intents.ops(Intents.set("email", "grace@example.com")));

    HttpResponse<String> posted = ingress.postStructured(eventId, intent);

    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    HttpResponse<String> view = ingress.record("user", id);
    assertThat(Http.JSON.readTree(view.body()).path("fields").path("email").asText()).isEqualTo("grace@example.com");
  }

  @Test
  void malformedIntent_isDeadLetteredAndAcknowledged_soEventBridgeDoesNotRetryIt() throws Exception {
    String eventId = UUID.randomUUID().toString();
    byte[] intent = Intents.write(eventId, "user/" + UUID.randomUUID(),
        Intents.ops(Http.JSON.createObjectNode().put("op", "explode").put("field", "email")));

    int status = cloud.busTarget().deliver(intent, 1);

    assertThat(status).isEqualTo(200);
    try (DynamoDbClient dynamo = emulators.dynamoDb()) {
      List<Map<String, AttributeValue>> letters = dynamo.scan(b -> b.tableName(Emulators.AWS_DEAD_LETTERS)).items();
      assertThat(letters).anySatisfy(item -> assertThat(item.get("eventId").s()).isEqualTo(eventId));
    }
  }

  @Test
  void concurrentRequests_areAllAnswered() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        calls.add(() -> ingress.record("user", "never-written-" + UUID.randomUUID()).statusCode());
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(calls)) {
        statuses.add(f.get());
      }

      assertThat(statuses).hasSize(24).containsOnly(404);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void drain_runsTheScheduledFunction() throws Exception {
    cloud.drain();
    cloud.drain();
  }

  @Test
  void antiEntropy_runsTheScheduledFunction() throws Exception {
    cloud.antiEntropy(); // throws unless the function answers without an error (no peers: an empty round)
  }

  @Test
  void functionUrl_refusesBodiesOverLambdasPayloadLimit() throws Exception {
    byte[] huge = new byte[LambdaRuntimeApi.MAX_PAYLOAD_BYTES + 1];

    HttpResponse<String> response = ingress.send(HttpRequest.newBuilder(URI.create(cloud.ingress() + "/events"))
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
  }
}

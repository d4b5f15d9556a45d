package dev.syncline.e2e;

import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.syncline.core.http.WebhookSignature;
import dev.syncline.e2e.net.ProxyListener;
import dev.syncline.e2e.report.Convergence;
import dev.syncline.e2e.report.Convergence.Ref;
import dev.syncline.e2e.sandbox.IngressClient;
import dev.syncline.e2e.sandbox.Sandbox;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forged, unsigned, replayed, oversized, malformed and mistyped requests at every cloud's HTTPS ingress: each gets its
 * 4xx with an RFC 9457 problem, and no cloud's view changes.
 */
class HostileIngressIT {

  private final Sandbox sandbox = SharedSandbox.get();

  @ParameterizedTest
  @ValueSource(strings = {"aws", "azure", "gcp"})
  void refusedWithNoStateChange(String cloud) throws Exception {
    Ref user = new Ref("user", "hostile-" + UUID.randomUUID().toString().substring(0, 8));
    String other = cloud.equals("aws") ? "gcp" : "aws";
    AtomicReference<byte[]> captured = new AtomicReference<>();
    ProxyListener capture = new ProxyListener() {
      @Override
      public void exchanged(String link, String method, String path, byte[] body, int status, long start, long end) {
        if (link.equals(other + "->" + cloud) && status == 200 && body != null
            && new String(body, StandardCharsets.UTF_8).contains(user.toString())) {
          captured.compareAndSet(null, body);
        }
      }
    };
    sandbox.addListener(capture);
    try {
      sandbox.publishAndAwait(other, write("h-" + UUID.randomUUID(), user.toString(), ops(set("email", "a@b"))), Duration.ofSeconds(30));
      await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
          .until(() -> captured.get() != null && Convergence.snapshot(sandbox, List.of(user)).converged());
    } finally {
      sandbox.removeListener(capture);
    }
    Map<String, String> before = views(user);
    IngressClient client = sandbox.client(cloud);
    byte[] change = captured.get();
    String changeId = dev.syncline.e2e.net.Http.idOf(change);

    // forged: signed with a secret the cloud does not hold
    IngressClient forger = new IngressClient(client.base(), "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]),
        sandbox.ca().clientContext());
    assertProblem(forger.postStructured(changeId, change), 401);
    // unsigned
    assertProblem(client.send(post(client, change).build()), 401);
    // replayed: a genuine change, re-signed with a timestamp ten minutes old
    long old = System.currentTimeMillis() / 1000 - 600;
    assertProblem(client.send(post(client, change)
        .header(WebhookSignature.ID_HEADER, changeId)
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(old))
        .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(sandbox.secret(cloud), changeId, old, change))
        .build()), 401);
    // signed correctly, but for another replica: each replica verifies with its own secrets
    String third = List.of("aws", "azure", "gcp").stream().filter(c -> !c.equals(cloud) && !c.equals(other)).findFirst().orElseThrow();
    IngressClient signsForTheThird = new IngressClient(client.base(), sandbox.secret(third), sandbox.ca().clientContext());
    assertProblem(signsForTheThird.postStructured(changeId, change), 401);
    // binary mode, signed: refused, since its ce- attributes would travel unsigned
    String binaryId = "bin-" + UUID.randomUUID();
    byte[] ops = "{\"ops\":[{\"op\":\"set\",\"field\":\"email\",\"value\":\"evil@example.com\"}]}".getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder binary = HttpRequest.newBuilder(client.base().resolve("/events"))
        .header("Content-Type", "application/json").header("ce-specversion", "1.0").header("ce-id", binaryId)
        .header("ce-source", "/apps/replayed").header("ce-type", "dev.syncline.record.write.v1")
        .header("ce-subject", user.toString())
        .POST(HttpRequest.BodyPublishers.ofByteArray(ops));
    client.sign(binary, binaryId, ops);
    HttpResponse<String> refused = client.send(binary.build());
    assertProblem(refused, 415);
    assertThat(refused.body()).contains("structured mode");
    // a GET signed for one record, replayed against another
    String path = "/records/" + user.entity() + "/" + user.id();
    HttpRequest.Builder get = HttpRequest.newBuilder(client.base().resolve("/records/user/never-" + UUID.randomUUID())).GET();
    client.sign(get, "get-" + UUID.randomUUID(), ("GET " + path).getBytes(StandardCharsets.UTF_8));
    assertProblem(client.send(get.build()), 401);
    // replayed with a fresh signature: accepted as a duplicate, applied once only
    HttpResponse<String> again = client.postStructured(changeId, change);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("duplicate");
    // oversized
    byte[] big = new byte[300 * 1024];
    java.util.Arrays.fill(big, (byte) 'x');
    assertProblem(client.postStructured("big-" + UUID.randomUUID(), big), 413);
    // malformed, signed
    assertProblem(client.postStructured("bad-" + UUID.randomUUID(), "{\"specversion\":\"1.0\",".getBytes(StandardCharsets.UTF_8)), 400);
    // a well-formed CloudEvent of a type the ingress does not take
    String otherId = "other-" + UUID.randomUUID();
    byte[] unrelated = new String(write(otherId, user.toString(), ops(set("email", "evil@example.com"))), StandardCharsets.UTF_8)
        .replace("dev.syncline.record.write.v1", "com.example.unrelated.v1").getBytes(StandardCharsets.UTF_8);
    assertProblem(client.postStructured(otherId, unrelated), 400);
    // a signed intent that breaks the schema (an op without its value)
    String badOpId = "badop-" + UUID.randomUUID();
    assertProblem(client.postStructured(badOpId, new String(write(badOpId, user.toString(), ops(set("email", "x"))),
        StandardCharsets.UTF_8).replace(",\"value\":\"x\"", "").getBytes(StandardCharsets.UTF_8)), 400);
    // wrong content type, signed
    HttpRequest.Builder text = HttpRequest.newBuilder(client.base().resolve("/events"))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofByteArray(change));
    client.sign(text, changeId, change);
    assertProblem(client.send(text.build()), 415);

    assertThat(views(user)).isEqualTo(before);
    assertThat(client.record("user", "never-" + UUID.randomUUID()).statusCode()).isEqualTo(404);
  }

  private static HttpRequest.Builder post(IngressClient client, byte[] body) {
    return HttpRequest.newBuilder(client.base().resolve("/events"))
        .header("Content-Type", "application/cloudevents+json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static void assertProblem(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/problem+json"));
  }

  private Map<String, String> views(Ref ref) throws IOException {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    sandbox.views(ref.entity(), ref.id()).forEach((c, r) -> out.put(c, r.statusCode() + " " + r.body()));
    return out;
  }
}

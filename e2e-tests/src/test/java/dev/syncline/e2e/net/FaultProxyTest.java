package dev.syncline.e2e.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

  /** Records what a proxy reports. */
  static final class Recorder implements ProxyListener {
    record Exchanged(String link, String method, String path, String body, int status, long start, long end) {}

    final List<Exchanged> exchanged = new CopyOnWriteArrayList<>();
    final List<String> faults = new CopyOnWriteArrayList<>();

    @Override
    public void exchanged(String link, String method, String path, byte[] requestBody, int status, long startNanos, long endNanos) {
      exchanged.add(new Exchanged(link, method, path, Http.text(requestBody), status, startNanos, endNanos));
    }

    @Override
    public void faulted(String link, String fault) {
      faults.add(link + ":" + fault);
    }
  }

  private final HttpClient client = TestTls.client();
  private final Recorder recorder = new Recorder();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private RecordingTarget target;
  private FaultProxy proxy;

  @BeforeEach
  void start() {
    target = closeLater(new RecordingTarget());
    proxy = closeLater(FaultProxy.start("aws->azure", TestTls.ca().serverContext(), 7, recorder));
    proxy.target(target.url());
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }

  private HttpResponse<String> post(FaultProxy to, String pathAndQuery, String body) throws IOException, InterruptedException {
    return client.send(request(to, pathAndQuery, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(FaultProxy to, String pathAndQuery, String body) {
    return HttpRequest.newBuilder(URI.create(to.url() + pathAndQuery))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/cloudevents+json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  @Test
  void forwards_methodPathQueryBodyAndHeaders_andRelaysStatusHeadersAndBody() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(proxy.url() + "/events?mode=structured&x=%2F"))
        .header("Content-Type", "application/cloudevents+json")
        .header("webhook-id", "evt-1")
        .header("Keep-Alive", "timeout=5")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"evt-1\"}"))
        .build();

    HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(answer.body()).isEqualTo("echo:{\"id\":\"evt-1\"}");
    assertThat(answer.headers().firstValue("X-Target")).hasValue("yes");
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("text/plain");
    RecordingTarget.Seen seen = target.seen().get(0);
    assertThat(target.seen()).hasSize(1);
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.pathAndQuery()).isEqualTo("/events?mode=structured&x=%2F");
    assertThat(seen.body()).isEqualTo("{\"id\":\"evt-1\"}");
    assertThat(seen.header("webhook-id")).isEqualTo("evt-1");
    assertThat(seen.header("Content-Type")).isEqualTo("application/cloudevents+json");
    assertThat(seen.header("Keep-Alive")).as("hop-by-hop").isNull();
    assertThat(seen.header("Host")).isEqualTo(target.url().getAuthority());
    assertThat(recorder.exchanged).singleElement().satisfies(e -> {
      assertThat(e.link()).isEqualTo("aws->azure");
      assertThat(e.method()).isEqualTo("POST");
      assertThat(e.path()).isEqualTo("/events?mode=structured&x=%2F");
      assertThat(e.body()).isEqualTo("{\"id\":\"evt-1\"}");
      assertThat(e.status()).isEqualTo(201);
      assertThat(e.end()).isGreaterThanOrEqualTo(e.start());
    });
    assertThat(recorder.faults).isEmpty();
    assertThat(proxy.stats()).isEqualTo(new FaultProxy.Stats(1, 1, 0, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void refuseChanges_answers400ToAChange_withoutDeliveringIt_andLetsOtherRequestsThrough() throws Exception {
    proxy.faults(LinkFaults.NONE.withRefuseChanges(true));

    HttpResponse<String> change = post(proxy, "/events", "{\"id\":\"evt-1\"}");
    HttpResponse<String> digests = post(proxy, "/anti-entropy/digests", "{}");
    HttpResponse<String> read = client.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/anti-entropy/records/user/42")).GET().build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(change.statusCode()).isEqualTo(400);
    assertThat(change.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(change.body()).contains("refuseChanges");
    assertThat(digests.statusCode()).isEqualTo(201);
    assertThat(read.statusCode()).isEqualTo(201);
    assertThat(target.seen()).extracting(RecordingTarget.Seen::pathAndQuery)
        .containsExactly("/anti-entropy/digests", "/anti-entropy/records/user/42");
    assertThat(recorder.faults).containsExactly("aws->azure:refuse-change");
    assertThat(proxy.stats().refusedChanges()).isEqualTo(1);
  }

  @Test
  void forwards_underTheTargetsPathPrefix_andRelaysBodilessAnswers() throws Exception {
    proxy.target(URI.create(target.url() + "/api/"));

    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/records/user/42")).GET().build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(target.seen()).singleElement().satisfies(s -> {
      assertThat(s.method()).isEqualTo("GET");
      assertThat(s.pathAndQuery()).isEqualTo("/api/records/user/42");
      assertThat(s.body()).isEmpty();
    });
  }

  @Test
  void answers503Problem_beforeTheTargetIsSet() throws Exception {
    FaultProxy unset = closeLater(FaultProxy.start("gcp->aws", TestTls.ca().serverContext(), 1, recorder));

    HttpResponse<String> answer = post(unset, "/events", "{}");

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(answer.body()).contains("gcp->aws has no target");
  }

  @Test
  void answers502Problem_whenTheTargetIsGone() throws Exception {
    target.close();

    HttpResponse<String> answer = post(proxy, "/events", "{}");

    assertThat(answer.statusCode()).isEqualTo(502);
    assertThat(answer.body()).contains("could not reach its target");
    assertThat(proxy.stats().badGateway()).isEqualTo(1);
  }

  @Test
  void down_closesTheConnectionWithoutAnswer_andNothingReachesTheTarget() throws Exception {
    proxy.faults(LinkFaults.partitioned());

    assertThatThrownBy(() -> post(proxy, "/events", "{\"id\":\"1\"}")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> post(proxy, "/events", "{\"id\":\"2\"}")).isInstanceOf(IOException.class);

    assertThat(target.seen()).isEmpty();
    assertThat(recorder.exchanged).isEmpty();
    assertThat(recorder.faults).containsExactly("aws->azure:down", "aws->azure:down");
    assertThat(proxy.stats().refusedDown()).isEqualTo(2);
    assertThat(proxy.stats().forwarded()).isZero();

    proxy.faults(LinkFaults.NONE);
    assertThat(post(proxy, "/events", "{\"id\":\"3\"}").statusCode()).as("healed").isEqualTo(201);
    assertThat(target.bodies()).containsExactly("{\"id\":\"3\"}");
  }

  @Test
  void error5xx_answers503WithRetryAfter_withoutForwarding() throws Exception {
    proxy.faults(LinkFaults.NONE.withError5xx(1));

    HttpResponse<String> answer = post(proxy, "/events", "{}");

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Http.JSON.readTree(answer.body()).path("status").asInt()).isEqualTo(503);
    assertThat(target.seen()).isEmpty();
    assertThat(proxy.stats().errors5xx()).isEqualTo(1);
  }

  @Test
  void duplicate_deliversTwoCopies_andRelaysTheFirstAnswer() throws Exception {
    proxy.faults(LinkFaults.NONE.withDuplicate(1));

    HttpResponse<String> answer = post(proxy, "/events", "{\"id\":\"d\"}");

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(answer.body()).isEqualTo("echo:{\"id\":\"d\"}");
    assertThat(target.bodies()).containsExactly("{\"id\":\"d\"}", "{\"id\":\"d\"}");
    assertThat(recorder.exchanged).extracting(Recorder.Exchanged::status).containsExactly(201, 201);
    assertThat(proxy.stats().duplicated()).isEqualTo(1);
    assertThat(proxy.stats().forwarded()).isEqualTo(2);
  }

  @Test
  void drop_losesTheRequestOrTheAnswer_andTheClientNeverGetsAStatus() throws Exception {
    proxy.faults(LinkFaults.NONE.withDrop(1));
    int sent = 8;

    for (int i = 0; i < sent; i++) {
      String body = "{\"id\":\"" + i + "\"}";
      assertThatThrownBy(() -> post(proxy, "/events", body)).isInstanceOf(IOException.class);
    }

    long answersLost = recorder.faults.stream().filter(f -> f.endsWith(":drop-response")).count();
    long requestsLost = recorder.faults.stream().filter(f -> f.endsWith(":drop-request")).count();
    assertThat(answersLost + requestsLost).isEqualTo(sent);
    assertThat(target.seen()).hasSize((int) answersLost);
    assertThat(answersLost).as("seed 7 draws both kinds in 8 requests").isPositive();
    assertThat(requestsLost).isPositive();
    assertThat(proxy.stats().dropped()).isEqualTo(sent);
  }

  @Test
  void reorder_holdsTheRequestBack_untilTheNextOneHasBeenDelivered() throws Exception {
    FaultProxy slow = closeLater(FaultProxy.start("azure->gcp", TestTls.ca().serverContext(), 3, recorder, Duration.ofSeconds(30)));
    slow.target(target.url());
    slow.faults(LinkFaults.NONE.withReorder(1));

    CompletableFuture<HttpResponse<String>> first = client.sendAsync(request(slow, "/events", "first"), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> recorder.faults.contains("azure->gcp:reorder"));
    slow.faults(LinkFaults.NONE);
    HttpResponse<String> second = post(slow, "/events", "second");

    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    assertThat(target.bodies()).containsExactly("second", "first");
    assertThat(slow.stats().reordered()).isEqualTo(1);
  }

  @Test
  void reorder_deliversTheRequestAfterTheHold_whenNoOtherComes() throws Exception {
    FaultProxy brief = closeLater(FaultProxy.start("gcp->azure", TestTls.ca().serverContext(), 3, recorder, Duration.ofMillis(50)));
    brief.target(target.url());
    brief.faults(LinkFaults.NONE.withReorder(1));

    HttpResponse<String> answer = post(brief, "/events", "alone");

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(target.bodies()).containsExactly("alone");
  }

  @Test
  void delay_holdsEveryRequestForADelayInTheRange() throws Exception {
    proxy.faults(LinkFaults.NONE.withDelayMs(30, 40));

    long start = System.nanoTime();
    HttpResponse<String> answer = post(proxy, "/events", "{}");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(tookMs).isGreaterThanOrEqualTo(30);
    assertThat(recorder.faults).containsExactly("aws->azure:delay");
    assertThat(proxy.stats().delayed()).isEqualTo(1);
  }

  @Test
  void sameSeed_drawsTheSameFaults_inTheSameOrder() throws Exception {
    LinkFaults mixed = new LinkFaults(false, 0.3, 0.3, 0, 0.3, 0, 0);

    List<String> a = outcomes("a", 2024, mixed);
    List<String> b = outcomes("b", 2024, mixed);
    List<String> c = outcomes("c", 2025, mixed);

    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a).as("the mix exercises every kind")
        .anyMatch(o -> o.equals("201")).anyMatch(o -> o.startsWith("503")).anyMatch(o -> o.startsWith("lost")).anyMatch(o -> o.contains("duplicate"));
  }

  /** For 12 sequential requests: the status, or "lost", then the faults the proxy reported. */
  private List<String> outcomes(String name, long seed, LinkFaults faults) throws Exception {
    Recorder own = new Recorder();
    FaultProxy p = closeLater(FaultProxy.start(name, TestTls.ca().serverContext(), seed, own));
    p.target(target.url());
    p.faults(faults);
    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      own.faults.clear();
      String outcome;
      try {
        outcome = String.valueOf(post(p, "/events", "{}").statusCode());
      } catch (IOException e) {
        outcome = "lost";
      }
      outcomes.add(outcome + own.faults.stream().map(f -> " " + f.substring(f.indexOf(':') + 1)).reduce("", String::concat));
    }
    return outcomes;
  }

  @Test
  void close_stopsListening() throws Exception {
    URI url = proxy.url();
    proxy.close();

    HttpRequest request = HttpRequest.newBuilder(url.resolve("/events")).POST(HttpRequest.BodyPublishers.ofString("{}", StandardCharsets.UTF_8)).build();
    assertThatThrownBy(() -> TestTls.client().send(request, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }
}

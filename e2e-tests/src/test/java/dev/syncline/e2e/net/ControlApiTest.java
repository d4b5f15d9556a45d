package dev.syncline.e2e.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlApiTest {

  private static final List<String> CLOUDS = List.of("aws", "azure", "gcp");

  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, FaultProxy> links = new LinkedHashMap<>();
  private ControlApi api;

  @BeforeEach
  void start() throws Exception {
    // No request crosses these proxies, so they need no sandbox CA.
    SSLContext tls = SSLContext.getDefault();
    for (String from : CLOUDS) {
      for (String to : CLOUDS) {
        if (!from.equals(to)) {
          links.put(from + "->" + to, FaultProxy.start(from + "->" + to, tls, 1, ProxyListener.NONE));
        }
      }
    }
    api = ControlApi.start(links);
  }

  @AfterEach
  void stop() {
    api.close();
    links.values().forEach(FaultProxy::close);
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Http.JSON.readTree(r.body());
  }

  @Test
  void put_setsTheDirectedLinksFaults_andAnswersThem() throws Exception {
    HttpResponse<String> r = call("PUT", "/links/aws/azure", "{\"drop\":0.1,\"duplicate\":0.1,\"reorder\":0.1,\"delayMs\":[0,200],\"error5xx\":0.05}");

    assertThat(r.statusCode()).isEqualTo(200);
    LinkFaults expected = new LinkFaults(false, 0.1, 0.1, 0.1, 0.05, 0, 200);
    assertThat(LinkFaults.fromJson(json(r))).isEqualTo(expected);
    assertThat(links.get("aws->azure").faults()).isEqualTo(expected);
    assertThat(links.get("azure->aws").faults()).as("the other direction").isEqualTo(LinkFaults.NONE);
  }

  @Test
  void put_replacesTheFaultsEntirely() throws Exception {
    call("PUT", "/links/gcp/aws", "{\"drop\":0.5}");

    HttpResponse<String> r = call("PUT", "/links/gcp/aws", "{\"down\":true}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(links.get("gcp->aws").faults()).isEqualTo(LinkFaults.partitioned());
  }

  @Test
  void put_answers400Problem_forBadFaults_andLeavesTheLinkAsItWas() throws Exception {
    api.set("aws", "gcp", LinkFaults.NONE.withDrop(0.2));

    HttpResponse<String> r = call("PUT", "/links/aws/gcp", "{\"drop\":2}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(r).path("detail").asText()).isEqualTo("\"drop\" must be a probability in [0, 1], got 2.0");
    assertThat(call("PUT", "/links/aws/gcp", "not json").statusCode()).isEqualTo(400);
    assertThat(links.get("aws->gcp").faults()).isEqualTo(LinkFaults.NONE.withDrop(0.2));
  }

  @Test
  void put_answers404Problem_forAnUnknownCloudOrALinkToItself() throws Exception {
    HttpResponse<String> unknown = call("PUT", "/links/aws/moon", "{\"down\":true}");
    HttpResponse<String> self = call("PUT", "/links/aws/aws", "{\"down\":true}");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("detail").asText()).startsWith("no link aws->moon; links: aws->azure, aws->gcp");
    assertThat(self.statusCode()).isEqualTo(404);
    assertThat(links.values()).allSatisfy(p -> assertThat(p.faults()).isEqualTo(LinkFaults.NONE));
  }

  @Test
  void deleteLinks_healsEveryLink() throws Exception {
    api.set("aws", "azure", LinkFaults.partitioned());
    api.set("gcp", "azure", LinkFaults.NONE.withError5xx(1));

    HttpResponse<String> r = call("DELETE", "/links", null);

    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(links.values()).allSatisfy(p -> assertThat(p.faults()).isEqualTo(LinkFaults.NONE));
  }

  @Test
  void deleteOneLink_healsOnlyThatLink() throws Exception {
    api.set("aws", "azure", LinkFaults.partitioned());
    api.set("azure", "aws", LinkFaults.partitioned());

    assertThat(call("DELETE", "/links/aws/azure", null).statusCode()).isEqualTo(204);

    assertThat(links.get("aws->azure").faults()).isEqualTo(LinkFaults.NONE);
    assertThat(links.get("azure->aws").faults()).isEqualTo(LinkFaults.partitioned());
  }

  @Test
  void getLinks_answersEveryLinksFaultsAndStats() throws Exception {
    api.set("azure", "gcp", LinkFaults.NONE.withDelayMs(5, 10));

    HttpResponse<String> r = call("GET", "/links", null);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode all = json(r);
    assertThat(all.fieldNames()).toIterable()
        .containsExactly("aws->azure", "aws->gcp", "azure->aws", "azure->gcp", "gcp->aws", "gcp->azure");
    assertThat(all.path("azure->gcp").path("delayMs").toString()).isEqualTo("[5,10]");
    assertThat(all.path("aws->azure").path("down").asBoolean(true)).isFalse();
    assertThat(all.path("aws->azure").path("stats").path("requests").isIntegralNumber()).isTrue();
    assertThat(all.toString()).isEqualTo(api.state().toString());
    assertThat(call("GET", "/links/azure/gcp", null).body()).isEqualTo(all.path("azure->gcp").toString());
  }

  @Test
  void otherPathsAndMethods_answer404Or405Problems() throws Exception {
    HttpResponse<String> post = call("POST", "/links", "{}");
    HttpResponse<String> patch = call("PATCH", "/links/aws/azure", "{}");
    HttpResponse<String> elsewhere = call("GET", "/health", null);
    HttpResponse<String> deeper = call("GET", "/links/aws/azure/extra", null);

    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, DELETE");
    assertThat(patch.statusCode()).isEqualTo(405);
    assertThat(patch.headers().firstValue("Allow")).hasValue("GET, PUT, DELETE");
    assertThat(elsewhere.statusCode()).isEqualTo(404);
    assertThat(deeper.statusCode()).isEqualTo(404);
    assertThat(json(elsewhere).path("status").asInt()).isEqualTo(404);
    assertThat(elsewhere.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void set_andHealAll_workInProcess() {
    api.set("gcp", "azure", LinkFaults.NONE.withReorder(0.5));
    assertThat(links.get("gcp->azure").faults().reorder()).isEqualTo(0.5);

    api.healAll();

    assertThat(links.get("gcp->azure").faults()).isEqualTo(LinkFaults.NONE);
    assertThatThrownBy(() -> api.set("aws", "aws", LinkFaults.NONE)).isInstanceOf(NoSuchElementException.class).hasMessageContaining("no link aws->aws");
  }
}

package dev.syncline.e2e.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.e2e.net.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AzureFunctionsHost} in this JVM on a small app of {@link FixtureFunctions}: what each
 * trigger hands a function and what the host answers. (The app loader's parent is this test's
 * loader, which already holds the fixtures, so the app jar itself is empty.)
 */
class AzureFunctionsHostTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path app;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private AzureFunctionsHost host;
  private URI base;

  @BeforeEach
  void startHost() throws IOException {
    FixtureFunctions.EVENTS.clear();
    FixtureFunctions.TIMERS.clear();
    try (OutputStream out = Files.newOutputStream(app.resolve("app.jar")); JarOutputStream jar = new JarOutputStream(out)) {
      jar.finish();
    }
    Files.writeString(app.resolve("host.json"), "{\"version\": \"2.0\"}");
    function("Echo", "echo", """
        {"type": "httpTrigger", "direction": "in", "name": "req", "route": "echo/{id}/{rest?}", "methods": ["GET", "POST"]},
        {"type": "http", "direction": "out", "name": "$return"}""");
    function("Binary", "binary", """
        {"type": "httpTrigger", "direction": "in", "name": "req", "dataType": "binary"},
        {"type": "http", "direction": "out", "name": "$return"}""");
    function("Fails", "fails", """
        {"type": "httpTrigger", "direction": "in", "name": "req"}, {"type": "http", "direction": "out", "name": "$return"}""");
    function("Event", "event", """
        {"type": "eventGridTrigger", "direction": "in", "name": "event"}""");
    function("Timer", "timer", """
        {"type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "0 */1 * * * *"}""");
    int port = Http.freePort();
    host = AzureFunctionsHost.start(app, port, new PrintStream(log, true, StandardCharsets.UTF_8));
    base = URI.create("http://127.0.0.1:" + port);
  }

  @AfterEach
  void stopHost() {
    host.close();
  }

  private void function(String name, String method, String bindings) throws IOException {
    Files.createDirectories(app.resolve(name));
    Files.writeString(app.resolve(name).resolve("function.json"), """
        {"scriptFile": "../app.jar", "entryPoint": "%s.%s", "bindings": [%s]}
        """.formatted(FixtureFunctions.class.getName(), method, bindings));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(base.resolve(path));
  }

  @Test
  void httpTrigger_getsLowerCasedHeaders_decodedQuery_andTheBodyAsText_underTheDefaultApiPrefix() throws Exception {
    HttpResponse<String> r = send(to("/api/echo/7?q=a%20b").header("X-Custom", "v").POST(HttpRequest.BodyPublishers.ofString("hello")));

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("X-Echo")).hasValue("yes");
    assertThat(r.body().lines()).containsExactly(
        "method=POST", "uri=" + base + "/api/echo/7?q=a%20b", "x-custom=v", "X-Custom=null", "q=a b", "body=hello", "function=Echo");
  }

  @Test
  void httpTrigger_matchesOptionalSegments_caseInsensitively_andRefusesOtherPathsAndMethods() throws Exception {
    assertThat(send(to("/API/Echo/7/more").GET()).statusCode()).isEqualTo(201);
    assertThat(send(to("/api/echo/7").GET()).body()).contains("body=<none>");
    assertThat(send(to("/api/echo").GET()).statusCode()).isEqualTo(404);
    assertThat(send(to("/api/echo/7/more/extra").GET()).statusCode()).isEqualTo(404);
    assertThat(send(to("/api/echo/7").PUT(HttpRequest.BodyPublishers.ofString("x"))).statusCode()).isEqualTo(404);
  }

  @Test
  void httpTrigger_withBinaryDataType_getsTheBodyAsBytes_andTheRouteDefaultsToTheFunctionName() throws Exception {
    HttpResponse<byte[]> r = HTTP.send(to("/api/Binary").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, (byte) 0xff})).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).containsExactly(3);
  }

  @Test
  void httpTrigger_answers500_whenTheFunctionThrows() throws Exception {
    assertThat(send(to("/api/Fails").GET()).statusCode()).isEqualTo(500);
    assertThat(log.toString(StandardCharsets.UTF_8)).startsWith("Executed 'Functions.Fails' (Failed, Id=").contains("told to fail");
  }

  @Test
  void eventGridWebhook_invokesOncePerEvent_andAnswers202() throws Exception {
    HttpResponse<String> r = send(to("/runtime/webhooks/EventGrid?functionName=event")
        .header("aeg-event-type", "Notification")
        .POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"1\"}, {\"id\":\"2\",\"data\":{\"x\":[1,2]}}]")));

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(FixtureFunctions.EVENTS).containsExactlyInAnyOrder("{\"id\":\"1\"}", "{\"id\":\"2\",\"data\":{\"x\":[1,2]}}");
  }

  @Test
  void eventGridWebhook_answers500WithTheError_whenAnInvocationThrows() throws Exception {
    HttpResponse<String> r = send(to("/runtime/webhooks/eventgrid?functionName=Event")
        .header("aeg-event-type", "Notification")
        .POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"1\"}, {\"id\":\"fail\"}]")));

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("Functions.Event").contains("told to fail");
    assertThat(FixtureFunctions.EVENTS).containsExactly("{\"id\":\"1\"}");
  }

  @Test
  void eventGridWebhook_answersTheHandshakes() throws Exception {
    HttpResponse<String> options = send(to("/runtime/webhooks/eventgrid?functionName=Event")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("WebHook-Request-Origin", "eventgrid.azure.us"));
    HttpResponse<String> validation = send(to("/runtime/webhooks/eventgrid?functionName=Event")
        .header("aeg-event-type", "SubscriptionValidation")
        .POST(HttpRequest.BodyPublishers.ofString("[{\"data\":{\"validationCode\":\"abc\"}}]")));
    HttpResponse<String> unsubscribe = send(to("/runtime/webhooks/eventgrid?functionName=Event")
        .header("aeg-event-type", "Unsubscribe").POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(options.statusCode()).isEqualTo(200);
    assertThat(options.headers().firstValue("WebHook-Allowed-Origin")).hasValue("eventgrid.azure.us");
    assertThat(validation.body()).isEqualTo("{\"validationResponse\":\"abc\"}");
    assertThat(unsubscribe.statusCode()).isEqualTo(202);
    assertThat(FixtureFunctions.EVENTS).isEmpty();
  }

  @Test
  void eventGridWebhook_refusesFunctionsThatAreNotEventGridTriggered() throws Exception {
    HttpResponse<String> r = send(to("/runtime/webhooks/eventgrid?functionName=Timer")
        .header("aeg-event-type", "Notification").POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("cannot find function: 'Timer'");
  }

  @Test
  void adminApi_runsATimerFunction_withTheTimerInformation() throws Exception {
    HttpResponse<String> r = send(to("/admin/functions/timer").POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"\"}")));

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(FixtureFunctions.TIMERS).containsExactly(AzureFunctionsHost.TIMER_INFO);
    assertThat(send(to("/admin/functions/Timer").POST(HttpRequest.BodyPublishers.ofString("not json"))).statusCode()).isEqualTo(400);
    assertThat(send(to("/admin/functions/Echo").POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"\"}"))).statusCode()).isEqualTo(400);
  }

  @Test
  void start_refusesAnUnsupportedBinding_namingTheFunction() throws Exception {
    function("Queue", "timer", """
        {"type": "queueTrigger", "direction": "in", "name": "timer", "queueName": "q"}""");

    assertThatThrownBy(() -> AzureFunctionsHost.start(app, Http.freePort(), System.out))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Queue: trigger type queueTrigger is not supported");
  }

  @Test
  void start_refusesAParameterThatBindsSomethingElse() throws Exception {
    function("Renamed", "event", """
        {"type": "eventGridTrigger", "direction": "in", "name": "other"}""");

    assertThatThrownBy(() -> AzureFunctionsHost.start(app, Http.freePort(), System.out))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Renamed (" + FixtureFunctions.class.getName() + ".event): parameter 0 binds 'event'");
  }
}

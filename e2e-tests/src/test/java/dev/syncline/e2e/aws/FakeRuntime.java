package dev.syncline.e2e.aws;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for Lambda's runtime interface client in {@link LambdaFunctionIT}: it polls
 * {@code AWS_LAMBDA_RUNTIME_API} and echoes each payload back, unless the payload says
 * {@code exit} (it exits mid-invocation), {@code hang} (it never answers) or {@code slow} (it
 * answers after half a second). With the argument {@code exit-at-start} it exits before polling.
 */
public final class FakeRuntime {

  private FakeRuntime() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("exit-at-start")) {
      System.out.println("the fake runtime gives up before polling");
      System.exit(2);
    }
    String api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/";
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    while (true) {
      HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(api + "next")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (next.statusCode() != 200) {
        System.exit(1);
      }
      String requestId = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
      String payload = next.body();
      if (payload.contains("exit")) {
        System.exit(3);
      } else if (payload.contains("hang")) {
        Thread.sleep(Long.MAX_VALUE);
      } else if (payload.contains("slow")) {
        Thread.sleep(500);
      }
      http.send(HttpRequest.newBuilder(URI.create(api + requestId + "/response"))
          .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.discarding());
    }
  }
}

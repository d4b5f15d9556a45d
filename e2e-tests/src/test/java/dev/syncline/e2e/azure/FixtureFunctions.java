package dev.syncline.e2e.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Functions that report what the host handed them, for {@link AzureFunctionsHostTest}. */
public class FixtureFunctions {

  static final List<String> EVENTS = new CopyOnWriteArrayList<>();
  static final List<String> TIMERS = new CopyOnWriteArrayList<>();

  public HttpResponseMessage echo(
      @HttpTrigger(name = "req", methods = {HttpMethod.GET, HttpMethod.POST}) HttpRequestMessage<Optional<String>> req,
      ExecutionContext context) {
    String report = String.join("\n",
        "method=" + req.getHttpMethod(),
        "uri=" + req.getUri(),
        "x-custom=" + req.getHeaders().get("x-custom"),
        "X-Custom=" + req.getHeaders().get("X-Custom"),
        "q=" + req.getQueryParameters().get("q"),
        "body=" + req.getBody().orElse("<none>"),
        "function=" + context.getFunctionName());
    return req.createResponseBuilder(HttpStatus.CREATED).header("X-Echo", "yes").body(report).build();
  }

  public HttpResponseMessage binary(@HttpTrigger(name = "req", dataType = "binary") HttpRequestMessage<Optional<byte[]>> req) {
    byte[] body = req.getBody().orElse(new byte[0]);
    return req.createResponseBuilder(HttpStatus.OK).body(new byte[] {(byte) body.length}).build();
  }

  public HttpResponseMessage fails(@HttpTrigger(name = "req") HttpRequestMessage<Optional<String>> req) {
    throw new IllegalStateException("told to fail");
  }

  public void event(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
    if (event.contains("\"fail\"")) {
      throw new IllegalStateException("told to fail");
    }
    EVENTS.add(event);
  }

  public void timer(@TimerTrigger(name = "timer", schedule = "0 */1 * * * *") String timer, ExecutionContext context) {
    TIMERS.add(timer);
  }
}

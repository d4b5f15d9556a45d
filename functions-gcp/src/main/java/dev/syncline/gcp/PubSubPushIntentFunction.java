package dev.syncline.gcp;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.syncline.core.IntentDelivery;
import dev.syncline.core.Replica;
import dev.syncline.core.SynclineException;
import dev.syncline.core.http.Problem;
import java.io.IOException;
import java.io.InputStream;

/**
 * The intent function Terraform deploys: a Pub/Sub push subscription POSTs each message
 * ({@code {"message":{...},"subscription":...}}, see {@link PubSubMessages}) and Cloud Run checks
 * the subscription's OIDC token before the request gets here. The subscription, unlike an
 * Eventarc trigger's, can have a dead-letter topic.
 *
 * <p>200 acknowledges the message: the intent was applied, was a duplicate, or was dead-lettered
 * as unappliable. A failing store answers 503 (500 if it is not transient), so Pub/Sub redelivers
 * with the subscription's backoff and, after its attempts, dead-letters the message.
 *
 * <p>java-function-invoker cannot hand such a push to a {@code CloudEventsFunction}: it turns the
 * body into a legacy event it then refuses to convert (functions-framework-java issue 375). Hence
 * an HTTP function that reads the body itself.
 */
public final class PubSubPushIntentFunction implements HttpFunction {

  private final Replica replica;

  public PubSubPushIntentFunction() {
    this(null);
  }

  PubSubPushIntentFunction(Replica replica) {
    this.replica = replica;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    if (!"POST".equals(request.getMethod())) {
      response.appendHeader("Allow", "POST");
      problem(response, Problem.of(405, "method-not-allowed", "Method not allowed", "a Pub/Sub push is a POST"));
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readAllBytes();
    }
    IntentDelivery intents = (replica != null ? replica : GcpReplica.shared()).intents;
    IntentDelivery.Result result;
    try {
      result = PubSubMessages.deliver(intents, body);
    } catch (SynclineException e) {
      int status = e.isTransient() ? 503 : 500;
      problem(response, Problem.of(status, "not-applied", "The intent could not be applied now", e.kind().toString()));
      return;
    }
    response.setStatusCode(200);
    response.setContentType("application/json");
    response.getOutputStream().write(result.toJson());
  }

  private static void problem(HttpResponse response, Problem problem) throws IOException {
    response.setStatusCode(problem.status());
    response.setContentType(Problem.CONTENT_TYPE);
    response.getOutputStream().write(problem.toJson());
  }
}

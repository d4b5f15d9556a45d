package dev.syncline.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.syncline.core.http.HttpRequest;
import dev.syncline.core.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTPS ingress of DESIGN section 6 ({@code POST /events}, {@code GET /records/...}, {@code
 * OPTIONS /events}), and the core's anti-entropy ({@code /anti-entropy/*}, read repair) and
 * dead-letter ({@code /admin/dead-letters*}) routes, as one catch-all HTTP trigger; {@code
 * host.json} sets an empty route prefix so the paths are the same as on the other clouds. Requests
 * are authenticated by their webhook signature, so the function level is anonymous.
 */
public final class HttpIngressFunction {

  private final AzureReplica replica;

  public HttpIngressFunction() {
    this(null);
  }

  HttpIngressFunction(AzureReplica replica) {
    this.replica = replica;
  }

  @FunctionName("HttpIngress")
  public HttpResponseMessage run(
      @HttpTrigger(name = "request", methods = {HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS},
              authLevel = AuthorizationLevel.ANONYMOUS, route = "{*path}", dataType = "binary")
          HttpRequestMessage<Optional<byte[]>> request,
      ExecutionContext context) {
    AzureReplica r = replica != null ? replica : AzureReplica.shared();
    String query = request.getUri().getRawQuery();
    HttpResponse response = r.ingress.handle(new HttpRequest(
        request.getHttpMethod().name(),
        request.getUri().getRawPath() + (query == null ? "" : "?" + query),
        request.getHeaders() == null ? Map.of() : request.getHeaders(),
        request.getBody().orElse(new byte[0])));
    HttpResponseMessage.Builder builder = request.createResponseBuilder(HttpStatusType.custom(response.status()));
    response.headers().forEach(builder::header);
    return builder.body(response.body()).build();
  }
}

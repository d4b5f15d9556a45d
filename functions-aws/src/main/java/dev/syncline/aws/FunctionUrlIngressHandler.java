package dev.syncline.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.syncline.core.Replica;
import dev.syncline.core.http.HttpRequest;
import dev.syncline.core.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The HTTPS ingress of DESIGN section 6 behind a Lambda Function URL (payload format 2.0):
 * maps the request to the core's {@link dev.syncline.core.http.IngressHandler} and back.
 *
 * <p>Handler string: {@code dev.syncline.aws.FunctionUrlIngressHandler::handleRequest}.
 */
public final class FunctionUrlIngressHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  private final Replica replica;

  public FunctionUrlIngressHandler() {
    this(null);
  }

  FunctionUrlIngressHandler(Replica replica) {
    this.replica = replica;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    String body = event.getBody() == null ? "" : event.getBody();
    byte[] bytes = event.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    String path = event.getRawQueryString() == null || event.getRawQueryString().isEmpty()
        ? event.getRawPath() : event.getRawPath() + "?" + event.getRawQueryString();
    HttpRequest request = new HttpRequest(
        event.getRequestContext().getHttp().getMethod(), path,
        event.getHeaders() == null ? Map.of() : event.getHeaders(), bytes);
    HttpResponse response = (replica != null ? replica : AwsReplica.shared()).ingress.handle(request);
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(response.status())
        .withHeaders(response.headers())
        .withBody(new String(response.body(), StandardCharsets.UTF_8))
        .withIsBase64Encoded(false)
        .build();
  }
}

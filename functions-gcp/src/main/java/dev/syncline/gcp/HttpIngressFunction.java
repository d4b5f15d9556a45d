package dev.syncline.gcp;

import com.google.cloud.functions.HttpFunction;
import dev.syncline.core.Replica;
import dev.syncline.core.http.HttpRequest;
import dev.syncline.core.http.HttpResponse;
import dev.syncline.core.http.IngressHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTPS ingress of DESIGN section 6 ({@code POST /events}, {@code GET /records/...}, {@code
 * OPTIONS /events}) as an HTTP function; requests are authenticated by their webhook signature.
 * The core's handler also serves anti-entropy ({@code /anti-entropy/*}, {@code ?repair=true}) and
 * the dead-letter admin routes ({@code /admin/dead-letters*}); nothing here is route-specific.
 *
 * <p>Peers reach it at {@code https://<region>-<project>.cloudfunctions.net/<function>}. Should
 * the platform pass the path on with the function's name in front ({@code /<function>/events}),
 * that first segment is dropped: the name is the Cloud Run service's, in {@code K_SERVICE}.
 */
public final class HttpIngressFunction implements HttpFunction {

  private final Replica replica;
  private final String servicePrefix;

  public HttpIngressFunction() {
    this(null, System.getenv("K_SERVICE"));
  }

  HttpIngressFunction(Replica replica) {
    this(replica, null);
  }

  HttpIngressFunction(Replica replica, String serviceName) {
    this.replica = replica;
    this.servicePrefix = serviceName == null || serviceName.isEmpty() ? null : "/" + serviceName + "/";
  }

  @Override
  public void service(com.google.cloud.functions.HttpRequest request, com.google.cloud.functions.HttpResponse response)
      throws IOException {
    Map<String, String> headers = new HashMap<>();
    request.getHeaders().forEach((name, values) -> {
      if (!values.isEmpty()) {
        headers.put(name, values.get(0));
      }
    });
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(IngressHandler.MAX_BODY_BYTES + 1); // more is refused with 413 anyway
    }
    String query = request.getQuery().map(q -> "?" + q).orElse("");
    String sent = request.getPath();
    String path = servicePrefix != null && sent.startsWith(servicePrefix) ? sent.substring(servicePrefix.length() - 1) : sent;
    // A GET's signature covers the target as the client sent it, the function's name included.
    HttpResponse answer = (replica != null ? replica : GcpReplica.shared()).ingress
        .handle(new HttpRequest(request.getMethod(), sent + query, path + query, headers, body));
    response.setStatusCode(answer.status());
    answer.headers().forEach((name, value) -> {
      if (name.equalsIgnoreCase("Content-Type")) {
        response.setContentType(value);
      } else {
        response.appendHeader(name, value);
      }
    });
    response.getOutputStream().write(answer.body());
  }
}

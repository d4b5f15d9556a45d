package dev.syncline.azure;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The request and response objects the Azure Functions Java worker hands a function, for tests. */
final class FakeHttp {

  private FakeHttp() {}

  record Request(HttpMethod method, URI uri, Map<String, String> headers, Optional<byte[]> body)
      implements HttpRequestMessage<Optional<byte[]>> {
    @Override
    public URI getUri() {
      return uri;
    }

    @Override
    public HttpMethod getHttpMethod() {
      return method;
    }

    @Override
    public Map<String, String> getHeaders() {
      return headers;
    }

    @Override
    public Map<String, String> getQueryParameters() {
      return Map.of();
    }

    @Override
    public Optional<byte[]> getBody() {
      return body;
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
      return new ResponseBuilder().status(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
      return new ResponseBuilder().status(status);
    }
  }

  record Response(HttpStatusType status, Map<String, String> headers, Object body) implements HttpResponseMessage {
    @Override
    public HttpStatusType getStatus() {
      return status;
    }

    @Override
    public String getHeader(String name) {
      return headers.get(name);
    }

    @Override
    public Object getBody() {
      return body;
    }

    String bodyText() {
      return body == null ? "" : new String((byte[]) body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  static final class ResponseBuilder implements HttpResponseMessage.Builder {
    private HttpStatusType status;
    private final Map<String, String> headers = new HashMap<>();
    private Object body;

    @Override
    public HttpResponseMessage.Builder status(HttpStatusType s) {
      status = s;
      return this;
    }

    @Override
    public HttpResponseMessage.Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    @Override
    public HttpResponseMessage.Builder body(Object b) {
      body = b;
      return this;
    }

    @Override
    public HttpResponseMessage build() {
      return new Response(status, Map.copyOf(headers), body);
    }
  }
}

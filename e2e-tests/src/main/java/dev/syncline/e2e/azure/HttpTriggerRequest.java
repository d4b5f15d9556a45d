package dev.syncline.e2e.azure;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.util.Map;

/**
 * The request an HTTP-triggered function receives, shaped as the Functions host and Java worker
 * shape it: the full request URL, the method, the headers with their names in lower case (the
 * host lower-cases them; several values of one header are joined with a comma), the decoded query
 * parameters, and the body as the trigger parameter's type asks ({@code Optional<String>},
 * {@code Optional<byte[]>} for {@code "dataType": "binary"}, ...). Unmodifiable.
 */
record HttpTriggerRequest(URI uri, HttpMethod method, Map<String, String> headers, Map<String, String> query, Object body)
    implements HttpRequestMessage<Object> {

  HttpTriggerRequest {
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
  }

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
    return query;
  }

  @Override
  public Object getBody() {
    return body;
  }

  @Override
  public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
    return new HttpTriggerResponse().status(status);
  }

  @Override
  public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
    return new HttpTriggerResponse().status(status);
  }
}

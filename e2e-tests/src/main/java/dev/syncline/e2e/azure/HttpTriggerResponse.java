package dev.syncline.e2e.azure;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The response builder {@link HttpTriggerRequest#createResponseBuilder} hands out, which is also
 * the built response, as in the Java worker: status 200 until set, headers in the order set (a
 * name set twice keeps its last value), and any body object; the host writes {@code byte[]} and
 * {@code String} bodies.
 */
final class HttpTriggerResponse implements HttpResponseMessage, HttpResponseMessage.Builder {

  private HttpStatusType status = HttpStatus.OK;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private Object body;

  @Override
  public HttpResponseMessage.Builder status(HttpStatusType status) {
    int code = status.value();
    if (code < 100 || code > 599) {
      throw new IllegalArgumentException("HTTP status must be 100..599, not " + code);
    }
    this.status = status;
    return this;
  }

  @Override
  public HttpResponseMessage.Builder header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  @Override
  public HttpResponseMessage.Builder body(Object body) {
    this.body = body;
    return this;
  }

  @Override
  public HttpResponseMessage build() {
    return this;
  }

  @Override
  public HttpStatusType getStatus() {
    return status;
  }

  @Override
  public String getHeader(String name) {
    return headers.get(name);
  }

  /** Every header set, in order. */
  Map<String, String> headers() {
    return Collections.unmodifiableMap(headers);
  }

  @Override
  public Object getBody() {
    return body;
  }
}

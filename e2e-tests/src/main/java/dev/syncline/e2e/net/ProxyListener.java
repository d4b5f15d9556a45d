package dev.syncline.e2e.net;

/**
 * What a {@link FaultProxy} reports, for load runs, reports and tests. Called on the proxy's
 * threads, concurrently for concurrent requests; implementations must be thread-safe, quick, and
 * must not throw (a listener that throws is reported on {@link System.Logger} and ignored).
 */
public interface ProxyListener {

  ProxyListener NONE = new ProxyListener() {};

  /**
   * One copy of a request was delivered to the link's target and the target answered: called once
   * per copy, so twice for a duplicated request, and also when the proxy then drops the answer.
   *
   * @param link the proxy's name, such as {@code aws->azure}
   * @param path the raw path and query, such as {@code /events}
   * @param requestBody the request body as received (never modified; do not change it)
   * @param status the target's status code
   * @param startNanos {@link System#nanoTime()} when the copy was sent to the target
   * @param endNanos {@link System#nanoTime()} when the target's answer had arrived in full
   */
  default void exchanged(String link, String method, String path, byte[] requestBody, int status, long startNanos, long endNanos) {}

  /**
   * The proxy is injecting a fault into one request: {@code down}, {@code error5xx},
   * {@code drop-request}, {@code delay}, {@code reorder} (as the request is held back, before the
   * next one is delivered), {@code duplicate} (before the second copy is sent) or
   * {@code drop-response} (as the target's answer is discarded). One request can have several,
   * such as {@code delay} then {@code duplicate}.
   */
  default void faulted(String link, String fault) {}
}

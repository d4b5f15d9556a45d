package dev.syncline.core.http;

import dev.syncline.core.clock.Clock;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.ChangeEvents.HttpMessage;
import dev.syncline.core.port.Delivery;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.Subscriber;
import dev.syncline.core.port.PeerClient;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Sends replicated changes to peers over HTTPS: one signed {@code POST {ingress}/events} per
 * change, the CloudEvent in structured mode (so that the signature, which covers the body, covers
 * every attribute, not only the data), {@code webhook-id} = the event id, {@code
 * webhook-timestamp} from the {@link Clock}, signed with <em>the receiving peer's</em> secret
 * (DESIGN section 6: each replica verifies with its own inbound secrets, so a request captured on
 * its way to one replica is worthless at another). Thread-safe; build one per function instance
 * and reuse it.
 *
 * <p>Answers map to {@link Delivery}: 2xx is {@code Delivered}; 400, 413 and 415 are {@code
 * Refused} (with the problem's {@code title}, if any); every other status (409 among them: the
 * change is ahead of the receiver's clock or format, and it can take it later), a timeout or any
 * network failure is {@code Retry}. Network failures never throw.
 *
 * <p>Peer URLs must be {@code https://}. Plain {@code http://} is allowed only when the client
 * is built with {@link Builder#allowPlainHttpToLoopback} and the host is a loopback address
 * ({@code 127.0.0.0/8}, {@code ::1} or {@code localhost}), for tests. Redirects are not followed
 * and HTTP/1.1 is used (what every function host and emulator proxy speaks).
 */
public final class HttpPeerClient implements PeerClient {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /**
   * How long a subscriber's webhook may take to answer: short, because the scheduled drain sends
   * a record's peers and subscribers together, and a slow webhook must not hold up the peers.
   */
  public static final Duration SUBSCRIBER_TIMEOUT = Duration.ofSeconds(3);

  /**
   * At most this much of an answer is read: a change's answer is a few hundred bytes, a peer's
   * record state for anti-entropy at most a stored record (399 KiB) in JSON.
   */
  public static final int MAX_ANSWER_BYTES = 1024 * 1024;
  private static final int MAX_REASON = 200;
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /**
   * How a signed request reaches a peer. The default sends it with the JDK's {@link HttpClient};
   * the deterministic simulator hands it to the peer's {@link IngressHandler} in the same
   * process, so that everything but the socket runs as in production.
   */
  @FunctionalInterface
  public interface Transport {
    /**
     * Sends {@code request} to {@code target} and returns the answer, its body cut to {@value
     * #MAX_ANSWER_BYTES} bytes.
     *
     * @throws IOException for any network failure or timeout
     */
    HttpResponse send(URI target, HttpRequest request, Duration timeout) throws IOException;
  }

  private final Map<String, String> signingSecrets;
  private final Clock clock;
  private final boolean plainHttpToLoopback;
  private final Duration requestTimeout;
  private final Transport transport;
  private final String origin;
  /** Subscriber URLs whose webhook handshake succeeded, for this process's lifetime. */
  private final java.util.Set<URI> allowed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private HttpPeerClient(Builder b) {
    this.signingSecrets = Map.copyOf(b.signingSecrets);
    this.clock = b.clock;
    this.plainHttpToLoopback = b.plainHttpToLoopback;
    this.requestTimeout = b.requestTimeout;
    this.transport = b.transport != null ? b.transport : jdkTransport(b);
    this.origin = b.origin;
  }

  /**
   * Starts a client.
   *
   * @param signingSecrets by peer replica id, the {@code whsec_} secret that peer verifies with
   *     (its current inbound secret)
   * @param clock supplies {@code webhook-timestamp}
   */
  public static Builder builder(Map<String, String> signingSecrets, Clock clock) {
    return new Builder(signingSecrets, clock);
  }

  /** Options of an {@link HttpPeerClient}; {@link #build} validates them. */
  public static final class Builder {
    private final Map<String, String> signingSecrets;
    private final Clock clock;
    private SSLContext sslContext;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private boolean plainHttpToLoopback;
    private List<Peer> peers = List.of();
    private List<Subscriber> subscribers = List.of();
    private String origin = "syncline";
    private Transport transport;

    private Builder(Map<String, String> signingSecrets, Clock clock) {
      this.signingSecrets = signingSecrets == null ? Map.of() : new TreeMap<>(signingSecrets);
      this.clock = clock;
    }

    /** Trust material for the peers' TLS, e.g. the local sandbox's own CA; default: the JDK's. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = context;
      return this;
    }

    /** How long connecting may take; default 2 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** How long a whole request may take until the answer's headers; default 10 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    /** Allows {@code http://} to loopback addresses only; for tests. Default: https only. */
    public Builder allowPlainHttpToLoopback(boolean allow) {
      this.plainHttpToLoopback = allow;
      return this;
    }

    /**
     * Peers whose URLs and signing secrets are checked when the client is built, so
     * misconfiguration fails early.
     */
    public Builder peers(List<Peer> peers) {
      this.peers = List.copyOf(peers);
      return this;
    }

    /** Subscribers, checked like peers when the client is built (URL and signing secret). */
    public Builder subscribers(List<Subscriber> subscribers) {
      this.subscribers = List.copyOf(subscribers);
      return this;
    }

    /**
     * Who this client says it is in the webhook handshake ({@code WebHook-Request-Origin}); each
     * replica passes its id. Default {@code syncline}.
     */
    public Builder origin(String origin) {
      this.origin = origin;
      return this;
    }

    /** Another way to reach peers (the simulator's); default: the JDK's HTTP client. */
    public Builder transport(Transport transport) {
      this.transport = transport;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a secret is malformed, a peer has no signing secret, a
     *     timeout is not positive, or a peer's URL is not permitted
     */
    public HttpPeerClient build() {
      if (clock == null) {
        throw new IllegalArgumentException("a clock is required");
      }
      signingSecrets.forEach((peer, secret) -> {
        try {
          WebhookSignature.key(secret);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("the signing secret for " + peer + ": " + e.getMessage());
        }
      });
      if (!isPositive(connectTimeout) || !isPositive(requestTimeout)) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
      for (Peer peer : peers) {
        requirePermitted(peer, plainHttpToLoopback);
        if (!signingSecrets.containsKey(peer.replica())) {
          throw new IllegalArgumentException("peer " + peer.replica() + " has no signing secret (its inbound secret)");
        }
      }
      for (Subscriber subscriber : subscribers) {
        try {
          requirePermitted(subscriber.asPeer(), plainHttpToLoopback);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("subscriber " + e.getMessage().replaceFirst("^peer ", ""));
        }
        if (!signingSecrets.containsKey(subscriber.name())) {
          throw new IllegalArgumentException("subscriber " + subscriber.name() + " has no signing secret (an entry "
              + subscriber.name() + "=whsec_... in SYNCLINE_SECRETS)");
        }
      }
      return new HttpPeerClient(this);
    }

    private static boolean isPositive(Duration d) {
      return d != null && !d.isNegative() && !d.isZero();
    }
  }

  /**
   * Delivers one change.
   *
   * @throws IllegalArgumentException if the peer's URL is not permitted or it has no signing
   *     secret: a configuration error, never a network failure
   */
  @Override
  public Delivery deliver(Peer peer, CloudEvent change) {
    try {
      return delivery(sendChange(peer, change));
    } catch (java.io.InterruptedIOException e) {
      return new Delivery.Retry("interrupted");
    } catch (IOException e) {
      return new Delivery.Retry(cut(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
    }
  }

  /**
   * Posts one feed event to a subscriber, signed with its secret, in structured mode, after the
   * CloudEvents webhook handshake: an {@code OPTIONS} request with {@code WebHook-Request-Origin}
   * that the subscriber must answer with a 2xx and {@code WebHook-Allowed-Origin} naming this
   * origin or {@code *}. A handshake that succeeded is remembered for the process's lifetime;
   * until one succeeds, deliveries are retried.
   */
  @Override
  public Delivery deliverToSubscriber(Subscriber subscriber, CloudEvent event) {
    URI target = requirePermitted(subscriber.asPeer(), plainHttpToLoopback);
    try {
      if (!allowed.contains(target)) {
        HttpResponse answer = transport.send(target,
            new HttpRequest("OPTIONS", target.getRawPath(), Map.of(WEBHOOK_REQUEST_ORIGIN, origin), new byte[0]),
            shorter(requestTimeout, SUBSCRIBER_TIMEOUT));
        String allowedOrigin = answer.header(WEBHOOK_ALLOWED_ORIGIN).orElse("");
        if (answer.status() < 200 || answer.status() >= 300 || !(allowedOrigin.equals(origin) || allowedOrigin.equals("*"))) {
          return new Delivery.Retry(cut("subscriber " + subscriber.name() + " did not allow origin " + origin
              + " in the webhook handshake (HTTP " + answer.status() + ", WebHook-Allowed-Origin '" + allowedOrigin + "')"));
        }
        allowed.add(target);
      }
      return delivery(post(target, subscriber.name(), event, shorter(requestTimeout, SUBSCRIBER_TIMEOUT)));
    } catch (java.io.InterruptedIOException e) {
      return new Delivery.Retry("interrupted");
    } catch (IOException e) {
      return new Delivery.Retry(cut(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
    }
  }

  /** The header a sender names itself with in the CloudEvents webhook handshake. */
  public static final String WEBHOOK_REQUEST_ORIGIN = "WebHook-Request-Origin";
  /** The header a receiver grants an origin with. */
  public static final String WEBHOOK_ALLOWED_ORIGIN = "WebHook-Allowed-Origin";

  private static Delivery delivery(HttpResponse response) {
    int status = response.status();
    if (status >= 200 && status < 300) {
      return new Delivery.Delivered();
    }
    if (status == 400 || status == 413 || status == 415) {
      return new Delivery.Refused(status, cut(Problem.titleOf(response.body()).orElse("HTTP " + status)));
    }
    return new Delivery.Retry(cut("HTTP " + status + Problem.titleOf(response.body()).map(t -> ": " + t).orElse("")));
  }

  /**
   * Posts one change, signed, and returns the peer's answer as it is (a dead-letter replay reports
   * whether it was applied or a duplicate).
   *
   * @throws IOException for any network failure or timeout
   * @throws IllegalArgumentException if the peer's URL is not permitted or it has no signing secret
   */
  public HttpResponse sendChange(Peer peer, CloudEvent change) throws IOException {
    return post(eventsUrl(requirePermitted(peer, plainHttpToLoopback)), peer.replica(), change, requestTimeout);
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Posts {@code event} to {@code target} in structured mode, signed with {@code name}'s secret. */
  private HttpResponse post(URI target, String name, CloudEvent change, Duration timeout) throws IOException {
    String secret = signingSecrets.get(name);
    if (secret == null) {
      throw new IllegalArgumentException(name + " has no signing secret");
    }
    HttpMessage message = ChangeEvents.toStructured(change);
    long seconds = Math.floorDiv(clock.millis(), 1000L);
    Map<String, String> headers = new LinkedHashMap<>(message.headers());
    headers.put(WebhookSignature.ID_HEADER, change.getId());
    headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(seconds));
    headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, change.getId(), seconds, message.body()));
    return transport.send(target, new HttpRequest("POST", target.getRawPath(), headers, message.body()), timeout);
  }

  /**
   * Sends one signed request other than a change to a peer's ingress (anti-entropy, read repair):
   * a {@code POST} signed over its body, a {@code GET} over {@code GET <target>}, with a fresh
   * {@code webhook-id} and the receiving peer's secret.
   *
   * @param target the path and query under the peer's ingress URL, e.g. {@code /anti-entropy/digests}
   * @return the answer, its body cut to {@value #MAX_ANSWER_BYTES} bytes
   * @throws IOException for any network failure or timeout
   * @throws IllegalArgumentException if the peer's URL is not permitted or it has no signing secret
   */
  public HttpResponse call(Peer peer, String method, String target, byte[] body) throws IOException {
    URI ingress = requirePermitted(peer, plainHttpToLoopback);
    String secret = signingSecrets.get(peer.replica());
    if (secret == null) {
      throw new IllegalArgumentException("peer " + peer.replica() + " has no signing secret (its inbound secret)");
    }
    String base = ingress.toString();
    URI url = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + target);
    String sentTarget = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    HttpRequest unsigned = new HttpRequest(method, sentTarget, sentTarget, Map.of(), body);
    String id = java.util.UUID.randomUUID().toString();
    long seconds = Math.floorDiv(clock.millis(), 1000L);
    Map<String, String> headers = new LinkedHashMap<>();
    if (method.equals("POST")) {
      headers.put("Content-Type", "application/json");
    }
    headers.put(WebhookSignature.ID_HEADER, id);
    headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(seconds));
    headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, id, seconds, unsigned.signedPayload()));
    return transport.send(url, new HttpRequest(method, sentTarget, sentTarget, headers, body), requestTimeout);
  }

  /** The JDK's {@link HttpClient}, HTTP/1.1, no redirects. */
  private static Transport jdkTransport(Builder b) {
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(b.connectTimeout);
    if (b.sslContext != null) {
      http.sslContext(b.sslContext);
    }
    HttpClient client = http.build();
    return (target, request, timeout) -> {
      java.net.http.HttpRequest.Builder out = java.net.http.HttpRequest.newBuilder(target).timeout(timeout);
      if (request.method().equals("GET")) {
        out.GET();
      } else {
        out.method(request.method(), java.net.http.HttpRequest.BodyPublishers.ofByteArray(request.body()));
      }
      request.headers().forEach(out::header);
      try {
        java.net.http.HttpResponse<InputStream> response = client.send(out.build(), BodyHandlers.ofInputStream());
        Map<String, String> headers = new java.util.HashMap<>();
        response.headers().map().forEach((name, values) -> {
          if (!values.isEmpty()) {
            headers.put(name, values.get(0));
          }
        });
        return new HttpResponse(response.statusCode(), headers, readAtMost(response.body()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
    };
  }

  /**
   * Checks that a peer may be sent to: {@code https://}, or {@code http://} to a loopback address
   * when {@code plainHttpToLoopback}; no user info, query or fragment.
   *
   * @return the peer's ingress URL
   * @throws IllegalArgumentException naming the peer and the rule it breaks
   */
  public static URI requirePermitted(Peer peer, boolean plainHttpToLoopback) {
    URI url = peer.ingress();
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "peer " + peer.replica() + ": ingress URL must not carry user info, a query or a fragment");
    }
    if (scheme.equals("https")) {
      return url;
    }
    if (scheme.equals("http") && plainHttpToLoopback && isLoopback(url.getHost())) {
      return url;
    }
    throw new IllegalArgumentException(
        "peer " + peer.replica() + ": ingress URL must be https:// (plain http:// only to a loopback"
            + " address, and only when explicitly allowed for tests)");
  }

  /** True for {@code localhost} and literal loopback addresses; never resolves a name. */
  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    var v4 = IPV4.matcher(host);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(v4.group(i)) > 255) {
          return false;
        }
      }
      return v4.group(1).equals("127");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      try {
        // A bracketed literal is parsed, never looked up.
        return InetAddress.getByName(host.substring(1, host.length() - 1)).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /**
   * The start of an answer's body, read so that the connection can be reused. Reading is not
   * covered by the request timeout (which ends with the answer's headers); ingresses answer small
   * bodies at once.
   */
  private static byte[] readAtMost(InputStream body) {
    try (InputStream in = body) {
      return in.readNBytes(MAX_ANSWER_BYTES);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static URI eventsUrl(URI ingress) {
    String base = ingress.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/events");
  }

  private static String cut(String reason) {
    return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
  }
}

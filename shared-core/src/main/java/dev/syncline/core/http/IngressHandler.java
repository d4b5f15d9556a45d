package dev.syncline.core.http;

import dev.syncline.core.ApplyOutcome;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.ChangeEvents.RemoteChange;
import dev.syncline.core.json.Json;
import dev.syncline.core.event.IntentParser;
import dev.syncline.core.event.ViewCodec;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.http.WebhookVerifier.Verification;
import dev.syncline.core.port.Peer;
import dev.syncline.core.repair.AntiEntropy;
import dev.syncline.core.repair.DeadLetterReplay;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS ingress of a replica (DESIGN section 6), the same on every cloud: each cloud's HTTP
 * trigger maps its native request to an {@link HttpRequest}, calls {@link #handle} and maps the
 * {@link HttpResponse} back. Thread-safe.
 *
 * <ul>
 *   <li>{@code POST /events}: a CloudEvent in structured mode. A replicated change
 *       ({@value ChangeEvents#TYPE}) is merged; a write intent ({@value WriteIntent#TYPE}) is
 *       applied exactly once, so apps and tests may publish intents over signed HTTPS too. Checks
 *       run in this order, and the first that fails answers: body at most {@value
 *       #MAX_BODY_BYTES} bytes (413); signature (401, before anything is parsed); content type
 *       (415: {@code application/cloudevents+json} or {@code application/json}; binary mode, with
 *       {@code ce-} headers, is refused because the signature would not cover them); the event
 *       (400, read with exact decimals and no duplicate keys); {@code webhook-id}
 *       equal to the event id (401: the signature must vouch for this very event). Then 200
 *       {@code {"outcome":"applied"|"duplicate"}} once the write is durable; 400 if the intent
 *       does not fit the schema; 503 with {@code Retry-After} while a duplicate is in progress
 *       or the store is unavailable.
 *   <li>{@code GET /records/{entity}/{id}}: signed with {@code GET <path-and-query>} as the
 *       payload (the request target exactly as sent) and any unique {@code webhook-id}, so a
 *       signature for one record reads no other; 200 with the view, 404 if the record was never written here, 400 for
 *       an invalid address.
 *   <li>{@code OPTIONS /events} with {@code WebHook-Request-Origin}: the CloudEvents webhook
 *       abuse-protection handshake, answered 200 with {@code WebHook-Allowed-Origin} and {@code
 *       WebHook-Allowed-Rate: *}. It is NOT signed: the handshake is how a sender learns that it
 *       may deliver at all, before any secret is used; it reveals nothing and changes nothing.
 * </ul>
 *
 * <p>Errors are RFC 9457 problems ({@link Problem}). Bad input never reaches the store and never
 * answers 500; only unexpected failures do, without details (they are logged). At most {@code
 * maxInFlight} requests are handled at once by this instance; more are answered 503 with {@code
 * Retry-After: 1} at once.
 */
public final class IngressHandler {

  /** The largest body accepted (256 KiB). */
  public static final int MAX_BODY_BYTES = 256 * 1024;

  /** The default limit of concurrent requests per handler instance. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;

  private static final Logger log = LoggerFactory.getLogger(IngressHandler.class);
  private static final String EVENTS = "/events";
  private static final String RECORDS = "/records/";
  private static final Pattern ORIGIN = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,255}");
  private static final String RETRY_AFTER = "Retry-After";
  private static final String DEAD_LETTERS = "/admin/dead-letters";
  private static final String REPLAY = "/admin/dead-letters/replay";

  private final SyncEngine engine;
  private final WebhookVerifier verifier;
  private final Semaphore inFlight;
  private final AntiEntropy antiEntropy;
  private final DeadLetterReplay deadLetters;

  /** A handler allowing {@value #DEFAULT_MAX_IN_FLIGHT} requests in flight. */
  public IngressHandler(SyncEngine engine, WebhookVerifier verifier) {
    this(builder(engine, verifier));
  }

  /**
   * A handler without anti-entropy or dead-letter routes.
   *
   * @param maxInFlight how many requests this instance handles at once before answering 503
   * @throws IllegalArgumentException if {@code maxInFlight} is not positive
   */
  public IngressHandler(SyncEngine engine, WebhookVerifier verifier, int maxInFlight) {
    this(builder(engine, verifier).maxInFlight(maxInFlight));
  }

  private IngressHandler(Builder b) {
    if (b.engine == null || b.verifier == null || b.maxInFlight < 1) {
      throw new IllegalArgumentException("an engine, a verifier and a positive maxInFlight are required");
    }
    this.engine = b.engine;
    this.verifier = b.verifier;
    this.inFlight = new Semaphore(b.maxInFlight);
    this.antiEntropy = b.antiEntropy;
    this.deadLetters = b.deadLetters;
  }

  /**
   * Starts a handler for {@code engine}, whose requests {@code verifier} checks (with the
   * replica's own secrets).
   */
  public static Builder builder(SyncEngine engine, WebhookVerifier verifier) {
    return new Builder(engine, verifier);
  }

  /** Options of an {@link IngressHandler}. */
  public static final class Builder {
    private final SyncEngine engine;
    private final WebhookVerifier verifier;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private AntiEntropy antiEntropy;
    private DeadLetterReplay deadLetters;

    private Builder(SyncEngine engine, WebhookVerifier verifier) {
      this.engine = engine;
      this.verifier = verifier;
    }

    /** How many requests this instance handles at once before answering 503; default 64. */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /** Serves the anti-entropy routes and read repair; without it they answer 404. */
    public Builder antiEntropy(AntiEntropy antiEntropy) {
      this.antiEntropy = antiEntropy;
      return this;
    }

    /** Serves the dead-letter routes; without it they answer 404. */
    public Builder deadLetters(DeadLetterReplay deadLetters) {
      this.deadLetters = deadLetters;
      return this;
    }

    /** @throws IllegalArgumentException if {@code maxInFlight} is not positive */
    public IngressHandler build() {
      return new IngressHandler(this);
    }
  }

  /** Answers one request. Never throws. */
  public HttpResponse handle(HttpRequest request) {
    if (!inFlight.tryAcquire()) {
      return Problem.of(503, "overloaded", "Too many requests in flight", null)
          .toResponse(Map.of(RETRY_AFTER, "1"));
    }
    try {
      return route(request);
    } catch (SynclineException e) {
      return failure(e);
    } catch (RuntimeException e) {
      log.error("ingress failed unexpectedly on {} {}", request.method(), routeOf(request.path()), e);
      return Problem.of(500, "internal", "Internal error", null).toResponse();
    } finally {
      inFlight.release();
    }
  }

  private HttpResponse route(HttpRequest request) {
    String path = request.path();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    String method = request.method();
    if (path.equals(EVENTS)) {
      switch (method) {
        case "POST":
          return postEvent(request);
        case "OPTIONS":
          return handshake(request);
        default:
          return methodNotAllowed("POST, OPTIONS");
      }
    }
    if (path.startsWith(RECORDS) && path.indexOf('/', RECORDS.length()) > 0) {
      return method.equals("GET") ? getRecord(request, path.substring(RECORDS.length())) : methodNotAllowed("GET");
    }
    if (antiEntropy != null && path.equals(AntiEntropy.DIGESTS)) {
      return method.equals("POST") ? postDigests(request) : methodNotAllowed("POST");
    }
    if (antiEntropy != null && path.startsWith(AntiEntropy.STATES)) {
      return method.equals("GET") ? getState(request, path.substring(AntiEntropy.STATES.length())) : methodNotAllowed("GET");
    }
    if (deadLetters != null && path.equals(DEAD_LETTERS)) {
      return method.equals("GET") ? listDeadLetters(request) : methodNotAllowed("GET");
    }
    if (deadLetters != null && path.equals(REPLAY)) {
      return method.equals("POST") ? replay(request) : methodNotAllowed("POST");
    }
    return Problem.of(404, "not-found", "Not found", "no such resource").toResponse();
  }

  private HttpResponse postEvent(HttpRequest request) {
    Optional<HttpResponse> refused = tooLargeOrUnsigned(request);
    if (refused.isPresent()) {
      return refused.get();
    }
    Optional<HttpResponse> unsupported = unsupportedMode(request);
    if (unsupported.isPresent()) {
      return unsupported.get();
    }
    Supplier<ApplyOutcome> apply;
    try {
      CloudEvent event = Json.readCloudEvent(request.body());
      if (!event.getId().equals(request.headers().get(WebhookSignature.ID_HEADER))) {
        return unauthorized("webhook-id must equal the CloudEvent id");
      }
      apply = command(event);
    } catch (SynclineException e) {
      return failure(e);
    } catch (RuntimeException e) {
      // Only input reaches the parsers here, so whatever they throw is bad input.
      log.warn("event parsing failed with {}; answered 400", e.getClass().getName());
      return Problem.of(400, "malformed-event", "Malformed event", "not a valid CloudEvent").toResponse();
    }
    return answer(apply.get());
  }

  /** Reads the event into the engine call it asks for; nothing is applied yet. */
  private Supplier<ApplyOutcome> command(CloudEvent event) {
    switch (event.getType()) {
      case ChangeEvents.TYPE:
        RemoteChange change = ChangeEvents.read(event);
        Optional<String> schema = ChangeEvents.schemaOf(event);
        return () -> {
          schema.ifPresent(fingerprint -> engine.noteSchema(change.origin(), fingerprint));
          return engine.applyChange(change);
        };
      case WriteIntent.TYPE:
        WriteIntent intent = IntentParser.parse(event);
        return () -> engine.applyIntent(intent);
      default:
        throw SynclineException.malformed("type must be " + ChangeEvents.TYPE + " or " + WriteIntent.TYPE);
    }
  }

  private HttpResponse answer(ApplyOutcome outcome) {
    if (outcome instanceof ApplyOutcome.Rejected rejected) {
      return rejected.kind() == SynclineException.Kind.TOO_LARGE
          ? Problem.of(413, "record-too-large", "Record too large", rejected.reason()).toResponse()
          : Problem.of(400, "schema-violation", "Schema violation", rejected.reason()).toResponse();
    }
    if (outcome instanceof ApplyOutcome.InProgress busy) {
      long seconds = Math.max(1, (busy.retryAfterMillis() + 999) / 1000);
      return Problem.of(503, "in-progress", "Duplicate in progress", "the same intent is being applied")
          .toResponse(Map.of(RETRY_AFTER, Long.toString(seconds)));
    }
    return HttpResponse.json(200, dev.syncline.core.IntentDelivery.outcomeJson(outcome.outcome()));
  }

  private HttpResponse getRecord(HttpRequest request, String subject) {
    return onRecord(request, subject, key -> queryParameters(request.target()).contains("repair=true")
        ? repairedRecord(key)
        : engine.view(key)
            .map(view -> HttpResponse.json(200, ViewCodec.encode(view)))
            .orElseGet(() -> Problem.of(404, "record-not-found", "Record not found", null).toResponse()));
  }

  /** The answer about one record, once the request is signed and its address valid. */
  private HttpResponse onRecord(HttpRequest request, String subject, java.util.function.Function<RecordKey, HttpResponse> answer) {
    Optional<HttpResponse> refused = tooLargeOrUnsigned(request);
    if (refused.isPresent()) {
      return refused.get();
    }
    RecordKey key;
    try {
      key = RecordKey.fromSubject(subject);
    } catch (IllegalArgumentException e) {
      return Problem.of(400, "invalid-record-address", "Invalid record address", e.getMessage()).toResponse();
    }
    return answer.apply(key);
  }

  /**
   * A read repaired from the peers first: the view with a {@code repair} member naming the peers
   * that answered in time and those that did not (all of them, if this replica runs no
   * anti-entropy); 404 if no replica that answered holds the record either.
   */
  private HttpResponse repairedRecord(RecordKey key) {
    AntiEntropy.RepairedRead read = antiEntropy != null
        ? antiEntropy.readRepair(key)
        : new AntiEntropy.RepairedRead(engine.view(key), List.of(), engine.config().peers().stream().map(Peer::replica).toList());
    byte[] repair = Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("answered");
      for (String peer : read.answered()) {
        g.writeString(peer);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("unanswered");
      for (String peer : read.unanswered()) {
        g.writeString(peer);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
    if (read.view().isEmpty()) {
      return Problem.of(404, "record-not-found", "Record not found",
          "not here, nor at the peers that answered: " + new String(repair, StandardCharsets.UTF_8)).toResponse();
    }
    byte[] view = ViewCodec.encode(read.view().get());
    // The canonical view, with one more member before its closing brace.
    byte[] member = ",\"repair\":".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[view.length - 1 + member.length + repair.length + 1];
    System.arraycopy(view, 0, body, 0, view.length - 1);
    System.arraycopy(member, 0, body, view.length - 1, member.length);
    System.arraycopy(repair, 0, body, view.length - 1 + member.length, repair.length);
    body[body.length - 1] = '}';
    return HttpResponse.json(200, body);
  }

  private HttpResponse postDigests(HttpRequest request) {
    Optional<HttpResponse> refused = tooLargeOrUnsigned(request).or(() -> notJson(request));
    if (refused.isPresent()) {
      return refused.get();
    }
    return HttpResponse.json(200, antiEntropy.answerDigests(request.body()));
  }

  private HttpResponse getState(HttpRequest request, String subject) {
    return onRecord(request, subject, key -> antiEntropy.state(key)
        .map(state -> HttpResponse.json(200, state))
        .orElseGet(() -> Problem.of(404, "record-not-found", "Record not found", null).toResponse()));
  }

  private HttpResponse listDeadLetters(HttpRequest request) {
    Optional<HttpResponse> refused = tooLargeOrUnsigned(request);
    if (refused.isPresent()) {
      return refused.get();
    }
    return HttpResponse.json(200, deadLetters.list());
  }

  private HttpResponse replay(HttpRequest request) {
    Optional<HttpResponse> refused = tooLargeOrUnsigned(request).or(() -> notJson(request));
    if (refused.isPresent()) {
      return refused.get();
    }
    return deadLetters.replay(request.body())
        .map(answer -> HttpResponse.json(200, answer))
        .orElseGet(() -> Problem.of(404, "dead-letter-not-found", "No such dead letter", "no letter has that id or reason")
            .toResponse());
  }

  /** The 415 a JSON route gives a body that is not {@code application/json}. */
  private static Optional<HttpResponse> notJson(HttpRequest request) {
    String type = request.header("Content-Type").map(IngressHandler::mediaType).orElse("");
    return type.equals("application/json")
        ? Optional.empty()
        : Optional.of(Problem.of(415, "unsupported-media-type", "Unsupported content type", "send application/json")
            .toResponse());
  }

  /** The {@code name=value} pairs of a request target's query, as sent. */
  private static List<String> queryParameters(String target) {
    int q = target.indexOf('?');
    return q < 0 ? List.of() : List.of(target.substring(q + 1).split("&"));
  }

  private HttpResponse handshake(HttpRequest request) {
    Optional<String> origin = request.header("WebHook-Request-Origin");
    if (origin.isEmpty() || !ORIGIN.matcher(origin.get()).matches()) {
      return Problem.of(400, "handshake", "Bad webhook handshake", "WebHook-Request-Origin must be a host name")
          .toResponse();
    }
    return new HttpResponse(
        200,
        Map.of("WebHook-Allowed-Origin", origin.get(), "WebHook-Allowed-Rate", "*", "Allow", "POST, OPTIONS"),
        null);
  }

  /** The 413 or 401 a request gets before anything is read from its body, if any. */
  private Optional<HttpResponse> tooLargeOrUnsigned(HttpRequest request) {
    long declared = request.header("Content-Length").map(IngressHandler::parseLength).orElse(0L);
    if (request.bodyLength() > MAX_BODY_BYTES || declared > MAX_BODY_BYTES) {
      return Optional.of(
          Problem.of(413, "too-large", "Body too large", "at most " + MAX_BODY_BYTES + " bytes").toResponse());
    }
    if (verifier.verify(request.headers(), request.signedPayload()) instanceof Verification.Failed failed) {
      return Optional.of(unauthorized(failed.check().description()));
    }
    return Optional.empty();
  }

  /**
   * The 415 a request gets unless it is a structured-mode CloudEvent: {@code
   * application/cloudevents+json}, or {@code application/json} holding a structured event. Binary
   * mode is refused because the signature covers the body only, so its {@code ce-} attributes
   * (source, type, subject) would travel unsigned. Batch mode is not supported.
   */
  private static Optional<HttpResponse> unsupportedMode(HttpRequest request) {
    if (request.header("ce-specversion").isPresent()) {
      return Optional.of(Problem.of(415, "binary-mode-refused", "Binary mode is not accepted",
              "the signature covers only the body, so ce- headers would go unsigned; send the event in"
                  + " structured mode (application/cloudevents+json)")
          .toResponse());
    }
    String type = request.header("Content-Type").map(IngressHandler::mediaType).orElse("");
    if (type.equals("application/cloudevents+json") || type.equals("application/json")) {
      return Optional.empty();
    }
    return Optional.of(Problem.of(415, "unsupported-media-type", "Unsupported content type",
            "send a structured-mode CloudEvent as application/cloudevents+json")
        .toResponse());
  }

  private HttpResponse failure(SynclineException e) {
    switch (e.kind()) {
      case MALFORMED:
        return Problem.of(400, "malformed-event", "Malformed event", e.getMessage()).toResponse();
      case SCHEMA_VIOLATION:
        return Problem.of(400, "schema-violation", "Schema violation", e.getMessage()).toResponse();
      case TOO_LARGE:
        return Problem.of(413, "too-large", "Record too large", null).toResponse();
      case AHEAD:
        // 409, not 400: the sender keeps the change and retries until this replica can take it.
        return Problem.of(409, "ahead-of-receiver", "Ahead of this replica", e.getMessage()).toResponse();
      default:
        if (e.isTransient()) {
          log.warn("ingress answered 503: {}", e.kind());
          return Problem.of(503, "unavailable", "Temporarily unavailable", null)
              .toResponse(Map.of(RETRY_AFTER, "1"));
        }
        log.error("ingress failed with {}", e.kind(), e);
        return Problem.of(500, "internal", "Internal error", null).toResponse();
    }
  }

  private static HttpResponse unauthorized(String detail) {
    return Problem.of(401, "invalid-signature", "Invalid webhook signature", detail).toResponse();
  }

  private static HttpResponse methodNotAllowed(String allow) {
    return Problem.of(405, "method-not-allowed", "Method not allowed", "allowed: " + allow)
        .toResponse(Map.of("Allow", allow));
  }

  private static String mediaType(String contentType) {
    return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0L;
    }
  }

  /** The route a path falls under, for logs: record ids stay out of them. */
  private static String routeOf(String path) {
    if (path.startsWith(RECORDS)) {
      return "/records/...";
    }
    if (path.startsWith(AntiEntropy.STATES)) {
      return AntiEntropy.STATES + "...";
    }
    return path.equals(EVENTS) || path.equals(AntiEntropy.DIGESTS) || path.equals(DEAD_LETTERS) || path.equals(REPLAY)
        ? path : "(other)";
  }
}

package dev.syncline.e2e.azure;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A local Azure Functions host for a Java function app as azure-functions-maven-plugin stages it
 * ({@code host.json}, the app jar, {@code lib/}, and a folder with a generated
 * {@code function.json} per function). It plays the Functions host and the Java worker in one
 * process: it dispatches from each {@code function.json}, loads the app jar and its {@code lib/}
 * in a class loader of their own (whose parent supplies the functions library, as the worker
 * does), and serves, on one loopback port:
 * <ul>
 *   <li>every {@code httpTrigger} function at {@code extensions.http.routePrefix} + its route, for
 *       its methods; the function's {@code HttpResponseMessage} is written back as is;</li>
 *   <li>{@code POST /runtime/webhooks/eventgrid?functionName=NAME}, the Event Grid extension's
 *       webhook: {@code aeg-event-type: Notification} with one CloudEvent
 *       ({@code application/cloudevents+json}) or a batch (a JSON array) invokes the
 *       {@code eventGridTrigger} function once per event, concurrently, with the event's JSON as
 *       its String; 202 when every invocation succeeded, 500 with the error otherwise (Event
 *       Grid then retries); {@code OPTIONS} answers the CloudEvents abuse-protection handshake,
 *       and {@code SubscriptionValidation} and {@code Unsubscribe} are answered as the extension
 *       does;</li>
 *   <li>{@code POST /admin/functions/NAME} with {@code {"input":"..."}}, the admin API that Core
 *       Tools uses to run non-HTTP functions on demand: a {@code timerTrigger} function receives
 *       the timer information JSON the worker passes, an {@code eventGridTrigger} function the
 *       input. Unlike the real host, which answers 202 as soon as the invocation is queued, this
 *       host answers 202 once the function has returned, or 500 if it threw, so that the sandbox's
 *       scheduler paces itself and sees failures;</li>
 *   <li>{@code GET /admin/host/status}.</li>
 * </ul>
 * Requests are served concurrently by a pool of threads, and functions invoked concurrently, as
 * the Java worker does. As in Core Tools, authorization levels and keys are not enforced. When
 * every function is bound and the port listens it prints the function listing and
 * {@value #READY}; a startup error is printed and the process exits with status 1.
 *
 * <p>Usage: {@code AzureFunctionsHost <app folder> <port>}. Its class path holds only e2e-tests'
 * classes (of which it loads this package's host classes) and azure-functions-java-core-library;
 * it parses JSON with {@link MiniJson} so as not to lend the app a JSON library.
 */
public final class AzureFunctionsHost implements AutoCloseable {

  /** The line the host prints once it serves every function. */
  public static final String READY = "Host started";

  /** The Event Grid extension's webhook path. */
  public static final String EVENT_GRID_WEBHOOK = "/runtime/webhooks/eventgrid";

  /** The admin API path that runs one function: append the function's name. */
  public static final String ADMIN_FUNCTIONS = "/admin/functions/";

  /** The Functions host's request size limit (100 MB). */
  static final int MAX_REQUEST_BYTES = 104_857_600;

  /** The timer information the worker passes a timer function bound to a String. */
  static final String TIMER_INFO = "{\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":null,\"IsPastDue\":false}";

  private static final Set<String> EVENT_GRID_ORIGINS = Set.of("eventgrid.azure.net", "eventgrid.azure.us",
      "eventgrid.azure.eaglex.ic.gov", "eventgrid.azure.microsoft.scloud", "eventgrid.azure.cn");

  private record HttpRoute(RouteTemplate template, List<String> methods, FunctionInvoker invoker) {}

  private final Map<String, FunctionInvoker> functions;
  private final List<HttpRoute> httpRoutes;
  private final URLClassLoader appLoader;
  private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
  private final ExecutorService pool;
  private final HttpServer server;
  private final PrintStream log;

  private AzureFunctionsHost(Map<String, FunctionInvoker> functions, List<HttpRoute> httpRoutes,
      URLClassLoader appLoader, int port, PrintStream log) throws IOException {
    this.functions = functions;
    this.httpRoutes = httpRoutes;
    this.appLoader = appLoader;
    this.log = log;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "azure-functions-host-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1000);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Runs the host until the process is stopped. */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: AzureFunctionsHost <function app folder> <port>");
      System.exit(2);
    }
    // One line per record, as the Functions host logs; before any logger exists.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "[%1$tFT%1$tT.%1$tLZ] %4$s %3$s: %5$s%6$s%n");
    }
    long started = System.nanoTime();
    AzureFunctionsHost host;
    try {
      String runtime = System.getenv("FUNCTIONS_WORKER_RUNTIME");
      if (runtime != null && !runtime.equalsIgnoreCase("java")) {
        throw new IllegalStateException("FUNCTIONS_WORKER_RUNTIME is " + runtime + "; this host runs Java function apps");
      }
      host = start(Path.of(args[0]), Integer.parseInt(args[1]), System.out);
    } catch (RuntimeException | IOException e) {
      System.out.println("A host error has occurred during startup: " + e.getMessage());
      e.printStackTrace(System.out);
      System.out.flush();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(host::close, "azure-functions-host-stop"));
    System.out.print(host.listing(Integer.parseInt(args[1])));
    System.out.println(READY + " (" + (System.nanoTime() - started) / 1_000_000 + "ms)");
    System.out.flush();
  }

  /**
   * Loads the app in {@code app}, binds every function and listens on {@code 127.0.0.1:port}.
   *
   * @param log where failed invocations are reported
   *
   * @throws IllegalStateException if the folder is not a function app or a function cannot be bound
   * @throws IOException if the app cannot be read or the port not bound
   */
  static AzureFunctionsHost start(Path app, int port, PrintStream log) throws IOException {
    Path hostJson = app.resolve("host.json");
    if (!Files.isRegularFile(hostJson)) {
      throw new IllegalStateException(hostJson + " not found: " + app + " is not a function app folder");
    }
    Object hostConfig;
    try {
      hostConfig = MiniJson.parse(Files.readString(hostJson, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(hostJson + ": " + e.getMessage(), e);
    }
    if (!"2.0".equals(MiniJson.member(hostConfig, "version"))) {
      throw new IllegalStateException(hostJson + ": \"version\" must be \"2.0\"");
    }
    Object prefix = MiniJson.member(MiniJson.member(MiniJson.member(hostConfig, "extensions"), "http"), "routePrefix");
    String routePrefix = prefix instanceof String s ? s : "api";

    List<FunctionDefinition> definitions = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(app)) {
      for (Path dir : dirs.sorted().toList()) {
        if (Files.isRegularFile(dir.resolve("function.json"))) {
          definitions.add(FunctionDefinition.read(dir));
        }
      }
    }
    if (definitions.isEmpty()) {
      throw new IllegalStateException("no function.json found in the folders of " + app);
    }
    URLClassLoader loader = appLoader(app, definitions);
    Map<String, FunctionInvoker> functions = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    List<HttpRoute> routes = new ArrayList<>();
    try {
      for (FunctionDefinition d : definitions) {
        FunctionInvoker invoker = FunctionInvoker.bind(d, loader);
        functions.put(d.name(), invoker);
        if (d.triggerType().equals(FunctionDefinition.HTTP_TRIGGER)) {
          routes.add(new HttpRoute(RouteTemplate.of(routePrefix, d.route()), d.methods(), invoker));
        }
      }
      return new AzureFunctionsHost(functions, routes, loader, port, log);
    } catch (RuntimeException | IOException e) {
      loader.close();
      throw e;
    }
  }

  /** The app jars and {@code lib/}, in a loader whose parent (this host's) supplies the functions library. */
  private static URLClassLoader appLoader(Path app, List<FunctionDefinition> definitions) throws IOException {
    Set<Path> jars = new LinkedHashSet<>();
    for (FunctionDefinition d : definitions) {
      jars.add(d.scriptFile());
    }
    Path lib = app.resolve("lib");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> libs = Files.list(lib)) {
        libs.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
      }
    }
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalStateException("bad jar path " + jar, e);
      }
    }
    return new URLClassLoader("function-app", urls.toArray(URL[]::new), AzureFunctionsHost.class.getClassLoader());
  }

  /** What Core Tools prints: each function with its trigger, HTTP ones with methods and address. */
  private String listing(int port) {
    StringBuilder b = new StringBuilder("\nFunctions:\n\n");
    for (FunctionInvoker f : functions.values()) {
      FunctionDefinition d = f.definition();
      b.append('\t').append(d.name()).append(": ");
      if (d.triggerType().equals(FunctionDefinition.HTTP_TRIGGER)) {
        HttpRoute route = httpRoutes.stream().filter(r -> r.invoker() == f).findFirst().orElseThrow();
        b.append(d.methods().isEmpty() ? "" : "[" + String.join(",", d.methods()) + "] ")
            .append("http://127.0.0.1:").append(port).append(route.template());
      } else {
        b.append(d.triggerType());
      }
      b.append("\n\n");
    }
    return b.toString();
  }

  private void handle(HttpExchange exchange) {
    try {
      String path = exchange.getRequestURI().getRawPath();
      if (path.equalsIgnoreCase(EVENT_GRID_WEBHOOK)) {
        eventGrid(exchange);
      } else if (path.regionMatches(true, 0, "/admin/", 0, 7)) {
        admin(exchange, path);
      } else {
        http(exchange, path);
      }
    } catch (Exception | LinkageError e) {
      report("host error on " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath(), e);
      try {
        respond(exchange, 500, null, new byte[0]);
      } catch (IOException | RuntimeException alreadyAnswered) {
        // the connection is gone or the answer started; nothing more to send
      }
    } finally {
      exchange.close();
    }
  }

  // --- HTTP triggers ---------------------------------------------------------------------------

  private void http(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    HttpRoute route = null;
    for (HttpRoute r : httpRoutes) {
      if (r.template().matches(path) && (r.methods().isEmpty() || r.methods().contains(method))) {
        route = r;
        break;
      }
    }
    HttpMethod httpMethod = httpMethod(method);
    if (route == null || httpMethod == null) {
      respond(exchange, 404, null, new byte[0]);
      return;
    }
    byte[] body = body(exchange);
    if (body == null) {
      respond(exchange, 413, null, new byte[0]);
      return;
    }
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null) {
      host = "127.0.0.1:" + server.getAddress().getPort();
    }
    URI uri = URI.create("http://" + host + exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
    HttpTriggerRequest request = new HttpTriggerRequest(uri, httpMethod, headers(exchange),
        query(exchange.getRequestURI().getRawQuery()), route.invoker().payload().convert(body));
    Object result;
    try {
      result = invoke(route.invoker(), request);
    } catch (Exception failed) {
      respond(exchange, 500, null, new byte[0]);
      return;
    }
    writeResult(exchange, route.invoker().definition().name(), result);
  }

  private void writeResult(HttpExchange exchange, String function, Object result) throws IOException {
    if (result == null) {
      respond(exchange, 204, null, new byte[0]);
      return;
    }
    if (!(result instanceof HttpResponseMessage response)) {
      respond(exchange, 200, null, bodyBytes(function, result));
      return;
    }
    byte[] body = bodyBytes(function, response.getBody());
    if (response instanceof HttpTriggerResponse built) {
      built.headers().forEach((name, value) -> {
        if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")) {
          exchange.getResponseHeaders().set(name, value);
        }
      });
    }
    respond(exchange, response.getStatusCode(), null, body);
  }

  private static byte[] bodyBytes(String function, Object body) {
    if (body == null) {
      return new byte[0];
    }
    if (body instanceof byte[] bytes) {
      return bytes;
    }
    if (body instanceof String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    throw new IllegalStateException(function + " answered a " + body.getClass().getName()
        + " body; the sandbox host writes byte[] and String bodies");
  }

  private static HttpMethod httpMethod(String method) {
    try {
      return HttpMethod.value(method);
    } catch (IllegalArgumentException unknown) {
      return null;
    }
  }

  /** The headers as the host hands them to the worker: names in lower case, values joined by commas. */
  private static Map<String, String> headers(HttpExchange exchange) {
    Map<String, String> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) ->
        headers.merge(name.toLowerCase(Locale.ROOT), String.join(",", values), (a, b) -> a + "," + b));
    return headers;
  }

  /** Decoded query parameters; a name given twice keeps both values, joined by a comma. */
  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      query.merge(name, value, (a, b) -> a + "," + b);
    }
    return query;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return s;
    }
  }

  // --- Event Grid webhook ----------------------------------------------------------------------

  private void eventGrid(HttpExchange exchange) throws IOException {
    String name = query(exchange.getRequestURI().getRawQuery()).get("functionName");
    FunctionInvoker function = name == null ? null : functions.get(name);
    if (function == null || !function.definition().triggerType().equals(FunctionDefinition.EVENT_GRID_TRIGGER)) {
      respond(exchange, 404, "text/plain; charset=utf-8", ("cannot find function: '" + (name == null ? "" : name) + "'")
          .getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (exchange.getRequestMethod().equalsIgnoreCase("OPTIONS")) {
      String origin = exchange.getRequestHeaders().getFirst("WebHook-Request-Origin");
      exchange.getResponseHeaders().set("WebHook-Allowed-Origin",
          origin != null && EVENT_GRID_ORIGINS.contains(origin) ? origin : "eventgrid.azure.net");
      respond(exchange, 200, null, new byte[0]);
      return;
    }
    byte[] body = body(exchange);
    if (body == null) {
      respond(exchange, 413, null, new byte[0]);
      return;
    }
    String eventType = exchange.getRequestHeaders().getFirst("aeg-event-type");
    if ("SubscriptionValidation".equalsIgnoreCase(eventType)) {
      String code = validationCode(new String(body, StandardCharsets.UTF_8));
      respond(exchange, 200, "application/json; charset=utf-8",
          ("{\"validationResponse\":" + MiniJson.quote(code) + "}").getBytes(StandardCharsets.UTF_8));
    } else if ("Notification".equalsIgnoreCase(eventType)) {
      notification(exchange, function, new String(body, StandardCharsets.UTF_8));
    } else {
      respond(exchange, "Unsubscribe".equalsIgnoreCase(eventType) ? 202 : 400, null, new byte[0]);
    }
  }

  /** Invokes the function once per event, concurrently; 202 if all succeeded, else 500 with the first error. */
  private void notification(HttpExchange exchange, FunctionInvoker function, String body) throws IOException {
    List<String> events;
    try {
      events = MiniJson.elements(body);
    } catch (IllegalArgumentException malformed) {
      // The extension fails to parse it and the host answers 500, so Event Grid retries.
      failed(exchange, malformed.getMessage());
      return;
    }
    String error = null;
    if (events.size() == 1) {
      error = attempt(function, events.get(0));
    } else {
      List<CompletableFuture<String>> runs = new ArrayList<>();
      for (String event : events) {
        runs.add(CompletableFuture.supplyAsync(() -> attempt(function, event), pool));
      }
      for (CompletableFuture<String> run : runs) {
        String e = join(run);
        error = error == null ? e : error;
      }
    }
    if (error != null) {
      failed(exchange, error);
    } else {
      respond(exchange, 202, null, new byte[0]);
    }
  }

  /** Runs one event; the failure's message, or {@code null} on success. */
  private String attempt(FunctionInvoker function, String event) {
    try {
      invoke(function, function.payload().convert(event.getBytes(StandardCharsets.UTF_8)));
      return null;
    } catch (Exception e) {
      return "Exception while executing function: Functions." + function.definition().name() + ": " + e.getMessage();
    }
  }

  private static String join(CompletableFuture<String> run) {
    try {
      return run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (ExecutionException e) {
      return String.valueOf(e.getCause());
    }
  }

  private static String validationCode(String body) {
    Object json = MiniJson.parse(body);
    Object data;
    if (json instanceof List<?> list && !list.isEmpty()) {
      data = MiniJson.member(list.get(0), "data");
    } else {
      // A CloudEvent carries the validation data double-encoded, as a JSON string.
      data = MiniJson.member(json, "data");
      if (data instanceof String encoded) {
        data = MiniJson.parse(encoded);
      }
    }
    Object code = MiniJson.member(data, "validationCode");
    if (code == null) {
      throw new IllegalArgumentException("a SubscriptionValidation event without data.validationCode");
    }
    return String.valueOf(code);
  }

  // --- admin API -------------------------------------------------------------------------------

  private void admin(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    if (path.equalsIgnoreCase("/admin/host/status") && method.equals("GET")) {
      respond(exchange, 200, "application/json; charset=utf-8", "{\"state\":\"Running\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!path.regionMatches(true, 0, ADMIN_FUNCTIONS, 0, ADMIN_FUNCTIONS.length()) || !method.equals("POST")) {
      respond(exchange, 404, null, new byte[0]);
      return;
    }
    FunctionInvoker function = functions.get(decode(path.substring(ADMIN_FUNCTIONS.length())));
    if (function == null) {
      respond(exchange, 404, null, new byte[0]);
      return;
    }
    byte[] body = body(exchange);
    Object invocation;
    try {
      invocation = body == null ? null : MiniJson.parse(new String(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException malformed) {
      invocation = null;
    }
    if (!(invocation instanceof Map<?, ?>)) {
      respond(exchange, 400, null, new byte[0]);
      return;
    }
    Object input = MiniJson.member(invocation, "input");
    String trigger = switch (function.definition().triggerType()) {
      case FunctionDefinition.TIMER_TRIGGER -> TIMER_INFO;
      case FunctionDefinition.EVENT_GRID_TRIGGER -> input == null ? "" : String.valueOf(input);
      default -> null;
    };
    if (trigger == null) {
      respond(exchange, 400, "text/plain; charset=utf-8",
          "HTTP-triggered functions are invoked over HTTP".getBytes(StandardCharsets.UTF_8));
      return;
    }
    try {
      invoke(function, function.payload().convert(trigger.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      failed(exchange, "Exception while executing function: Functions." + function.definition().name() + ": " + e.getMessage());
      return;
    }
    respond(exchange, 202, null, new byte[0]);
  }

  // --- invocation and plumbing -----------------------------------------------------------------

  private Object invoke(FunctionInvoker function, Object trigger) throws Exception {
    String name = function.definition().name();
    String id = UUID.randomUUID().toString();
    long start = System.nanoTime();
    try {
      return function.invoke(trigger, new InvocationContext(id, name, loggers.computeIfAbsent(name, n -> Logger.getLogger("Function." + n))));
    } catch (Exception e) {
      report("Executed 'Functions." + name + "' (Failed, Id=" + id + ", Duration=" + (System.nanoTime() - start) / 1_000_000 + "ms)", e);
      throw e;
    }
  }

  private static void failed(HttpExchange exchange, String message) throws IOException {
    respond(exchange, 500, "text/plain; charset=utf-8", String.valueOf(message).getBytes(StandardCharsets.UTF_8));
  }

  /** The request body, or {@code null} if it is over the host's limit. */
  private static byte[] body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
      return bytes.length > MAX_REQUEST_BYTES ? null : bytes;
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    boolean noBody = body.length == 0 || status == 204 || status == 304 || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
    exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
    if (!noBody) {
      exchange.getResponseBody().write(body);
    }
  }

  /** One block in the log, so that concurrent failures do not interleave. */
  private void report(String what, Throwable e) {
    StringWriter text = new StringWriter();
    try (PrintWriter w = new PrintWriter(text)) {
      w.println(what);
      e.printStackTrace(w);
    }
    log.print(text);
    log.flush();
  }

  /** Stops listening and drops requests in flight. */
  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    try {
      appLoader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

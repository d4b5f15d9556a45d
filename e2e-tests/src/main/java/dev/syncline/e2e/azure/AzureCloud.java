package dev.syncline.e2e.azure;

import com.microsoft.azure.functions.ExecutionContext;
import dev.syncline.e2e.bus.BusTarget;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.sandbox.ChildProcess;
import dev.syncline.e2e.sandbox.Cloud;
import dev.syncline.e2e.sandbox.CloudSpec;
import dev.syncline.e2e.sandbox.Deployables;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Azure cloud of the sandbox: the function app that azure-functions-maven-plugin stages
 * ({@link dev.syncline.e2e.sandbox.Layout#azureApp()}), hosted by {@link AzureFunctionsHost} in a
 * JVM of its own, as the Functions host and its Java worker host it in a Function App.
 * <ul>
 *   <li>{@link #busTarget()} is the Event Grid subscription (CloudEvents 1.0 input and delivery
 *       schema): it POSTs the published CloudEvent unchanged, in structured mode, to the Event Grid
 *       extension's webhook for {@value #INTENT_FUNCTION}, with the {@code aeg-*} headers Event
 *       Grid sends;</li>
 *   <li>{@link #ingress()} is the host's HTTP address, where {@value #INGRESS_FUNCTION} serves
 *       DESIGN section 6;</li>
 *   <li>{@link #drain()} runs {@value #DRAIN_FUNCTION} through the admin API, as Core Tools runs a
 *       timer function on demand, and {@link #antiEntropy()} runs {@value #ANTI_ENTROPY_FUNCTION}
 *       the same way (a timer function too: it runs a round on the tick that opens an
 *       anti-entropy period).</li>
 * </ul>
 * The host process gets the spec's environment plus the settings the platform sets
 * ({@code FUNCTIONS_WORKER_RUNTIME=java}, {@code FUNCTIONS_EXTENSION_VERSION=~4},
 * {@code WEBSITE_SITE_NAME}, {@code WEBSITE_HOSTNAME}), and the Java worker's default JVM options
 * ({@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true})
 * followed by the spec's, which therefore win, as {@code JAVA_OPTS} does. No
 * {@code AzureWebJobsStorage} is set: the local host keeps no keys, leases or timer state.
 */
public final class AzureCloud implements Cloud {

  /** The function names, as the app's generated {@code function.json} folders name them. */
  public static final String INTENT_FUNCTION = "EventGridIntent";
  public static final String INGRESS_FUNCTION = "HttpIngress";
  public static final String DRAIN_FUNCTION = "OutboxDrain";
  public static final String ANTI_ENTROPY_FUNCTION = "AntiEntropy";

  /** The Event Grid subscription's name; Event Grid sends it upper-cased in {@code aeg-subscription-name}. */
  public static final String SUBSCRIPTION = "SYNCLINE-INTENTS";

  /** The Java worker's default JVM options (its worker.config.json), before JAVA_OPTS. */
  static final List<String> WORKER_JVM_OPTIONS =
      List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true");

  /** How long Event Grid waits for a webhook to answer before it counts the delivery as failed. */
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  /** host.json's functionTimeout. */
  private static final Duration FUNCTION_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final CloudSpec spec;
  private final ChildProcess host;
  private final URI base;
  private final HttpClient http;

  private AzureCloud(CloudSpec spec, ChildProcess host, URI base) {
    this.spec = spec;
    this.host = host;
    this.base = base;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * Starts the host on the built function app and waits until it serves every function. With an
   * extension ({@link CloudSpec#extension()}), the app is staged again with the extension jar in its
   * {@code lib/}, as it is deployed.
   *
   * @throws IllegalStateException if the app is not built, or the host exits or does not get
   *     ready within 60 s (with the end of its log)
   */
  public static AzureCloud start(CloudSpec spec) {
    Path built = spec.layout().azureApp();
    Path staged = spec.staging("app").resolve(built.getFileName().toString());
    return start(spec, spec.extension()
        .map(ext -> Deployables.stageWith(built, staged, "lib/" + ext.jar().getFileName(), ext.jar()))
        .orElse(built));
  }

  /** Starts the host on the function app in {@code app} (tests use other folders). */
  static AzureCloud start(CloudSpec spec, Path app) {
    int port = Http.freePort();
    String site = app.getFileName().toString();
    Map<String, String> env = new HashMap<>(spec.env());
    env.put("FUNCTIONS_WORKER_RUNTIME", "java");
    env.put("FUNCTIONS_EXTENSION_VERSION", "~4");
    env.put("WEBSITE_SITE_NAME", site);
    env.put("WEBSITE_HOSTNAME", "127.0.0.1:" + port);
    List<String> jvm = new ArrayList<>(WORKER_JVM_OPTIONS);
    jvm.addAll(spec.jvmOptions());
    List<Path> classpath = List.of(spec.layout().e2eClasses(), functionsLibrary());
    ChildProcess process = ChildProcess.start(spec.name() + "-functions-host",
        ChildProcess.java(jvm, classpath, AzureFunctionsHost.class.getName(), app.toString(), Integer.toString(port)),
        env, spec.log("functions-host"));
    try {
      process.awaitLog(AzureFunctionsHost.READY, STARTUP);
    } catch (RuntimeException e) {
      process.close();
      throw new IllegalStateException("the Azure Functions host for " + app + " did not start: " + e.getMessage(), e);
    }
    return new AzureCloud(spec, process, URI.create("http://127.0.0.1:" + port));
  }

  /** azure-functions-java-core-library, which the Java worker supplies to the app (its lib/ leaves it out). */
  private static Path functionsLibrary() {
    try {
      return Path.of(ExecutionContext.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot locate azure-functions-java-core-library on the class path", e);
    }
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public String replicaId() {
    return spec.replicaId();
  }

  /**
   * Event Grid delivering to the subscription's Azure Function endpoint: the CloudEvent as
   * published (CloudEvents input and delivery schema), {@code aeg-delivery-count} = attempt - 1.
   * The extension answers 202 when the function returned and 500 when it threw.
   */
  @Override
  public BusTarget busTarget() {
    URI webhook = base.resolve(AzureFunctionsHost.EVENT_GRID_WEBHOOK + "?functionName=" + INTENT_FUNCTION);
    return (cloudEvent, attempt) -> {
      HttpRequest request = HttpRequest.newBuilder(webhook)
          .timeout(DELIVERY_TIMEOUT)
          .header("Content-Type", "application/cloudevents+json; charset=utf-8")
          .header("aeg-event-type", "Notification")
          .header("aeg-subscription-name", SUBSCRIPTION)
          .header("aeg-delivery-count", Integer.toString(attempt - 1))
          // For the CloudEvents schema the metadata version is the spec version; there is no data version.
          .header("aeg-metadata-version", "1.0")
          .POST(HttpRequest.BodyPublishers.ofByteArray(cloudEvent))
          .build();
      return send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    };
  }

  @Override
  public URI ingress() {
    return base;
  }

  /** Runs the drain timer function once and waits for it; an IOException if it failed. */
  @Override
  public void drain() throws IOException {
    runTimer(DRAIN_FUNCTION);
  }

  /**
   * Runs the anti-entropy timer function once and waits for it; an IOException if it failed. The
   * function runs a round only in the first minute of a {@code SYNCLINE_ANTI_ENTROPY_PERIOD}, which
   * with the sandbox's sub-minute period is always; its log line says what the round did.
   */
  @Override
  public void antiEntropy() throws IOException {
    runTimer(ANTI_ENTROPY_FUNCTION);
  }

  /** {@code POST /admin/functions/NAME}, as Core Tools runs a timer function on demand. */
  private void runTimer(String function) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(AzureFunctionsHost.ADMIN_FUNCTIONS + function))
        .timeout(FUNCTION_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"\"}"))
        .build();
    HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(function + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** The host's log file. */
  public Path log() {
    return host.log();
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException {
    try {
      return http.send(request, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    host.close();
  }
}

package dev.syncline.e2e.gcp;

import dev.syncline.e2e.bus.BusTarget;
import dev.syncline.e2e.bus.RetryPolicy;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.sandbox.ChildProcess;
import dev.syncline.e2e.sandbox.Cloud;
import dev.syncline.e2e.sandbox.CloudSpec;
import dev.syncline.e2e.sandbox.Deployables;
import dev.syncline.e2e.sandbox.Extension;
import dev.syncline.e2e.sandbox.Layout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Google Cloud replica hosted as Cloud Functions (2nd gen) hosts it: each of the four
 * functions of {@code functions-gcp} runs in its own JVM under java-function-invoker 1.4.1, the
 * Functions Framework runner that the Java runtime uses, with the environment Cloud Run gives a
 * function's container ({@code K_SERVICE}, {@code K_REVISION}, {@code K_CONFIGURATION},
 * {@code PORT}, {@code FUNCTION_TARGET}, {@code FUNCTION_SIGNATURE_TYPE}) on top of
 * {@link CloudSpec#env()}. The invoker is started as the Java buildpack starts it for a pre-built
 * jar: {@code --classpath} names the deploy folder's single top-level jar, {@code syncline-gcp.jar},
 * and its manifest {@code Class-Path} names the libraries in {@code lib/}. With an extension
 * ({@link CloudSpec#extension()}), the folder is staged again with the extension jar as
 * {@code lib/syncline-extension-1.jar}, the first name that manifest reserves for one.
 *
 * <p>Cloud Run would scale each function out to more instances; here each function has one
 * instance, which serves requests concurrently (the invoker's Jetty server has a pool of up to
 * 1,024 threads), as a Cloud Run service with a request concurrency above one does.
 *
 * <ul>
 *   <li>{@link #busTarget()} is the Pub/Sub push subscription delivering each message to the
 *       intent function;
 *   <li>{@link #ingress()} is the ingress function's URL;
 *   <li>{@link #drain()} is Cloud Scheduler calling the drain function, and {@link #antiEntropy()}
 *       another Cloud Scheduler job calling the anti-entropy function.
 * </ul>
 */
public final class GcpCloud implements Cloud {

  /** How long a function process may take to listen on its port. */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  /** Cloud Scheduler's default attempt deadline for an HTTP target. */
  static final Duration SCHEDULER_ATTEMPT_DEADLINE = Duration.ofMinutes(3);
  /** Used for the subscription's name when the environment names no Bigtable project. */
  static final String DEFAULT_PROJECT = "syncline-sandbox";

  /** The four functions, as Terraform deploys them. */
  enum Function {
    INTENT("intent", "dev.syncline.gcp.PubSubPushIntentFunction", "http"),
    INGRESS("ingress", "dev.syncline.gcp.HttpIngressFunction", "http"),
    DRAIN("drain", "dev.syncline.gcp.OutboxDrainFunction", "http"),
    ANTI_ENTROPY("anti-entropy", "dev.syncline.gcp.AntiEntropyFunction", "http");

    final String process;
    final String target;
    final String signatureType;

    Function(String process, String target, String signatureType) {
      this.process = process;
      this.target = target;
      this.signatureType = signatureType;
    }

    /** The Cloud Run service name, which is the function's name. */
    String service() {
      return "syncline-" + process;
    }
  }

  private final CloudSpec spec;
  private final List<ChildProcess> processes;
  private final HttpClient http;
  private final PubSubPushTarget bus;
  private final URI ingress;
  private final URI drain;
  private final URI antiEntropy;

  private GcpCloud(CloudSpec spec, List<ChildProcess> processes, Map<Function, Integer> ports) {
    this.spec = spec;
    this.processes = processes;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    String project = spec.env().getOrDefault("SYNCLINE_BIGTABLE_PROJECT", DEFAULT_PROJECT);
    this.bus = new PubSubPushTarget(http, URI.create("http://127.0.0.1:" + ports.get(Function.INTENT) + "/"), project,
        spec.replicaId(), RetryPolicy.pubSub().maxAge());
    this.ingress = URI.create("http://127.0.0.1:" + ports.get(Function.INGRESS));
    this.drain = URI.create("http://127.0.0.1:" + ports.get(Function.DRAIN) + "/");
    this.antiEntropy = URI.create("http://127.0.0.1:" + ports.get(Function.ANTI_ENTROPY) + "/");
  }

  /**
   * Starts the four function processes in parallel and returns once each listens on its port.
   * The functions build their replica (Bigtable client included) lazily, on their first request,
   * as on Cloud Run; the first request to each function is therefore slower.
   *
   * @throws IllegalStateException if a process exits or does not listen within
   *     {@link #STARTUP_TIMEOUT}; the message ends with the end of its log, and every process
   *     already started is stopped
   */
  public static GcpCloud start(CloudSpec spec) {
    Layout layout = spec.layout();
    Path invoker = layout.gcpInvoker();
    Path deploy = spec.extension()
        .map(ext -> Deployables.stageWith(
            layout.gcpDeploy(), spec.staging("deploy"), "lib/" + Extension.GCP_LIB_NAME, ext.jar()))
        .orElse(layout.gcpDeploy());
    String classpath = deploy.resolve("syncline-gcp.jar").toString();
    Map<Function, Integer> ports = new EnumMap<>(Function.class);
    Map<Function, ChildProcess> started = new EnumMap<>(Function.class);
    try {
      for (Function f : Function.values()) {
        int port = Http.freePort();
        ports.put(f, port);
        started.put(f, ChildProcess.start(spec.name() + "-" + f.process, command(spec, invoker, classpath, f, port),
            environment(spec, f, port), spec.log(f.process)));
      }
      started.forEach((f, process) -> process.awaitPort(ports.get(f), STARTUP_TIMEOUT));
      return new GcpCloud(spec, List.copyOf(started.values()), ports);
    } catch (RuntimeException e) {
      started.values().forEach(ChildProcess::close);
      throw e;
    }
  }

  /** {@code java <jvmOptions> -jar <invoker> --classpath <deploy>/syncline-gcp.jar --target <class> --port <port>}. */
  private static List<String> command(CloudSpec spec, Path invoker, String classpath, Function f, int port) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(spec.jvmOptions());
    cmd.addAll(List.of("-jar", invoker.toString(), "--classpath", classpath, "--target", f.target,
        "--port", Integer.toString(port)));
    return cmd;
  }

  /**
   * {@code spec.env()} plus what Cloud Run sets in a function's container. Cloud Run reserves
   * these names (a deployment may not set them), so they win over the spec.
   */
  private static Map<String, String> environment(CloudSpec spec, Function f, int port) {
    Map<String, String> env = new HashMap<>(spec.env());
    env.put("K_SERVICE", f.service());
    env.put("K_REVISION", f.service() + "-00001-sbx");
    env.put("K_CONFIGURATION", f.service());
    env.put("PORT", Integer.toString(port));
    env.put("FUNCTION_TARGET", f.target);
    env.put("FUNCTION_SIGNATURE_TYPE", f.signatureType);
    return env;
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
   * The Pub/Sub push subscription: each intent is POSTed to the intent function as the push
   * request's JSON body ({@code {"message":{...},"subscription":...}}, the intent base64 in
   * {@code message.data}, no {@code ce-} headers); redeliveries keep the message id, and every
   * delivery carries its {@code deliveryAttempt}, from 1. Returns the function's status (2xx acknowledges); throws
   * {@link IOException} when the function cannot be reached or does not answer within the 60 s
   * acknowledgement deadline.
   */
  @Override
  public BusTarget busTarget() {
    return bus;
  }

  /** {@code http://127.0.0.1:<port>}: the ingress function's invoker, as its Cloud Run URL would be. */
  @Override
  public URI ingress() {
    return ingress;
  }

  /**
   * Runs the drain once, as the Cloud Scheduler job's HTTP target does: {@code POST} with body
   * {@code {}}, {@code Content-Type: application/json} and {@code User-Agent: Google-Cloud-Scheduler}.
   * The OIDC {@code Authorization} header Scheduler adds is omitted: Cloud Run checks it before
   * the request reaches the function, and the function never reads it.
   *
   * @throws IOException if the drain function cannot be reached or answers other than 2xx (its
   *     log, {@code CloudSpec.log("drain")}, says why)
   */
  @Override
  public void drain() throws IOException {
    schedulerJob(drain, Function.DRAIN);
  }

  /**
   * Runs one anti-entropy round, as its Cloud Scheduler job does: the same request as
   * {@link #drain()}, to the anti-entropy function, which answers the round's summary.
   *
   * @throws IOException if the function cannot be reached or answers other than 2xx
   */
  @Override
  public void antiEntropy() throws IOException {
    schedulerJob(antiEntropy, Function.ANTI_ENTROPY);
  }

  private void schedulerJob(URI target, Function f) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(SCHEDULER_ATTEMPT_DEADLINE)
        .header("User-Agent", "Google-Cloud-Scheduler")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();
    int status;
    try {
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running the " + f.process + " function", e);
    }
    if (status / 100 != 2) {
      throw new IOException("the " + f.process + " function answered HTTP " + status + "; see " + spec.log(f.process));
    }
  }

  /** Stops the four function processes. */
  @Override
  public void close() {
    processes.forEach(ChildProcess::close);
  }
}

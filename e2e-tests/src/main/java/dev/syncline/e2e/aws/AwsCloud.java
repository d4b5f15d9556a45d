package dev.syncline.e2e.aws;

import dev.syncline.e2e.bus.BusTarget;
import dev.syncline.e2e.sandbox.ChildProcess;
import dev.syncline.e2e.sandbox.Cloud;
import dev.syncline.e2e.sandbox.CloudSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The AWS replica of the sandbox, hosted as Lambda hosts it. The four functions of
 * {@code functions-aws} run from the shaded jar, unpacked as Lambda unpacks a deployment package
 * into {@code /var/task}, in Lambda's own Runtime Interface Client (2.10.1, with Lambda's
 * serialization library), each execution environment its own JVM polling a local implementation
 * of the Lambda Runtime API:
 * <ul>
 *   <li>{@link #busTarget()}: an EventBridge rule's Lambda target: the CloudEvent in the EventBridge
 *       envelope, invoked on {@code EventBridgeIntentHandler};
 *   <li>{@link #ingress()}: a Lambda Function URL (payload format 2.0) on
 *       {@code FunctionUrlIngressHandler};
 *   <li>{@link #drain()}: an EventBridge Scheduler schedule ({@code Input} = {@code {}}) on
 *       {@code OutboxDrainHandler};
 *   <li>{@link #antiEntropy()}: another schedule, the same way, on {@code AntiEntropyHandler}.
 * </ul>
 *
 * <p>Each execution environment handles one invocation at a time (Lambda's concurrency model).
 * A function starts with {@value #DEFAULT_INTENT_INSTANCES} environments for intent,
 * {@value #DEFAULT_INGRESS_INSTANCES} for ingress, {@value #DEFAULT_DRAIN_INSTANCES} for drain and
 * {@value #DEFAULT_ANTI_ENTROPY_INSTANCES} for anti-entropy, and, like Lambda, scales out when
 * invocations wait, up to {@value #DEFAULT_MAX_INTENT_INSTANCES}, {@value #DEFAULT_MAX_INGRESS_INSTANCES},
 * {@value #DEFAULT_MAX_DRAIN_INSTANCES} and {@value #DEFAULT_MAX_ANTI_ENTROPY_INSTANCES}, but only while
 * the machine's CPU is below 75% busy (see {@link LambdaFunction}). The counts can be set with the
 * system properties {@code syncline.sandbox.aws.instances.<function>} and
 * {@code syncline.sandbox.aws.maxInstances.<function>} ({@code intent}, {@code ingress},
 * {@code drain}, {@code anti-entropy}); equal values fix the count.
 *
 * <p>Every runtime JVM gets the spec's environment plus the variables Lambda reserves and sets
 * ({@code AWS_LAMBDA_RUNTIME_API}, {@code _HANDLER}, {@code AWS_LAMBDA_FUNCTION_NAME},
 * {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}, {@code LAMBDA_TASK_ROOT}, ...), and Lambda's Java 17 JVM
 * flags followed by the spec's JVM options. Logs: {@code <logs>/aws-intent-1.log} and so on
 * ({@code -g2} and up for replacements), JVM crash reports beside them.
 *
 * <p>With an extension ({@link CloudSpec#extension()}), its Lambda layer is unpacked into the
 * functions' {@code /opt}, as a layer version attached to every function is ({@link #layers}).
 */
public final class AwsCloud implements Cloud {

  /** The Lambda handler strings, as {@code functions-aws/README.md} documents them. */
  public static final String INTENT_HANDLER = "dev.syncline.aws.EventBridgeIntentHandler::handleRequest";
  public static final String INGRESS_HANDLER = "dev.syncline.aws.FunctionUrlIngressHandler::handleRequest";
  public static final String DRAIN_HANDLER = "dev.syncline.aws.OutboxDrainHandler::handleRequest";
  public static final String ANTI_ENTROPY_HANDLER = "dev.syncline.aws.AntiEntropyHandler::handleRequest";

  /** Execution environments started up front, and the most a function scales out to. */
  public static final int DEFAULT_INTENT_INSTANCES = 2;
  public static final int DEFAULT_MAX_INTENT_INSTANCES = 8;
  public static final int DEFAULT_INGRESS_INSTANCES = 2;
  public static final int DEFAULT_MAX_INGRESS_INSTANCES = 6;
  public static final int DEFAULT_DRAIN_INSTANCES = 1;
  public static final int DEFAULT_MAX_DRAIN_INSTANCES = 1;
  public static final int DEFAULT_ANTI_ENTROPY_INSTANCES = 1;
  public static final int DEFAULT_MAX_ANTI_ENTROPY_INSTANCES = 3;

  /** The sandbox's AWS account id, in ARNs and envelopes. */
  static final String ACCOUNT_ID = "000000000000";

  private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
  private static final String NATIVE_CLIENT_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
  private static final String DEFAULT_REGION = "us-east-1";
  private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";
  private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ANTI_ENTROPY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STARTUP = Duration.ofSeconds(60);
  /** A function scales out only while the machine's CPU use is below this. */
  private static final double SCALE_OUT_BELOW_CPU = 0.75;
  /** What the drain and anti-entropy schedules' Lambda targets send: their configured {@code Input}. */
  private static final byte[] SCHEDULE_INPUT = "{}".getBytes(StandardCharsets.UTF_8);
  /**
   * The JVM flags of Lambda's Java 17 runtime that matter here (C1 only, serial GC, class-data
   * sharing); the spec's options come after them, so they win.
   */
  private static final List<String> LAMBDA_JVM_OPTIONS = List.of(
      "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
      "-Djava.net.preferIPv4Stack=true");

  static {
    // The JDK HttpServer leaves Nagle's algorithm on unless told otherwise. It writes a response's
    // headers and body separately, so the body waits for the client's delayed ACK: some 40 ms on
    // every Runtime API and Function URL answer. Read once, when the first HttpServer is created.
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
  }

  private final CloudSpec spec;
  private final ScheduledExecutorService supervisor;
  private final List<LambdaFunction> functions;
  private final LambdaFunction drain;
  private final LambdaFunction antiEntropy;
  private final FunctionUrlFront functionUrl;
  private final EventBridgeTarget eventBridge;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AwsCloud(CloudSpec spec, ScheduledExecutorService supervisor, LambdaFunction intent, LambdaFunction ingress,
      LambdaFunction drain, LambdaFunction antiEntropy, String region) {
    this.spec = spec;
    this.supervisor = supervisor;
    this.functions = List.of(intent, ingress, drain, antiEntropy);
    this.drain = drain;
    this.antiEntropy = antiEntropy;
    this.functionUrl = new FunctionUrlFront("sandbox" + spec.replicaId().replaceAll("[^a-z0-9]", ""), ACCOUNT_ID, region,
        ingress::invoke);
    this.eventBridge = new EventBridgeTarget(ACCOUNT_ID, region, intent::invoke);
  }

  /**
   * Unpacks the deployment package, starts every execution environment of the four functions and
   * waits until each runtime has asked the Runtime API for its first invocation (the handlers
   * build their replica on their first event, as on Lambda).
   *
   * @throws IllegalStateException if a runtime exits or reports an init error while starting, or
   *     not every runtime is polling within 60 s; the message ends with its log
   */
  public static AwsCloud start(CloudSpec spec) {
    Path taskRoot = DeploymentPackage.unpack(spec.layout().awsJar(), spec.layout().work().resolve(spec.name()).resolve("task"));
    Optional<Path> opt = spec.extension().map(ext -> layers(ext.lambdaLayer(), spec.staging("opt")));
    List<Path> runtime = runtimeClassPath(spec.layout().awsRuntime());
    Path nativeClient = nativeClientLibrary(runtime, spec.layout().work().resolve(spec.name()).resolve("runtime"));
    String region = spec.env().getOrDefault("AWS_REGION", DEFAULT_REGION);
    int memoryMb = memoryMb(spec.jvmOptions());
    LambdaFunction.Launcher launcher = (config, runtimeApi, process) -> ChildProcess.start(spec.name() + "-" + process,
        command(spec, runtime, nativeClient, taskRoot, opt, config.handler(), spec.log(process + "-hs_err-%p")),
        environment(spec, config, runtimeApi, region, memoryMb, taskRoot, spec.layout().awsRuntime()),
        spec.log(process));
    ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, spec.name() + "-lambda-supervisor");
      t.setDaemon(true);
      return t;
    });
    MachineCpu cpu = new MachineCpu();
    supervisor.scheduleWithFixedDelay(cpu::sample, 0, 100, TimeUnit.MILLISECONDS);
    BooleanSupplier roomToScaleOut = () -> cpu.load() < SCALE_OUT_BELOW_CPU;
    List<LambdaFunction> started = new ArrayList<>();
    try {
      LambdaFunction intent = function(started, config("intent", INTENT_HANDLER, FUNCTION_TIMEOUT, DEFAULT_INTENT_INSTANCES,
          DEFAULT_MAX_INTENT_INSTANCES), region, launcher, supervisor, roomToScaleOut);
      LambdaFunction ingress = function(started, config("ingress", INGRESS_HANDLER, FUNCTION_TIMEOUT, DEFAULT_INGRESS_INSTANCES,
          DEFAULT_MAX_INGRESS_INSTANCES), region, launcher, supervisor, roomToScaleOut);
      LambdaFunction drain = function(started, config("drain", DRAIN_HANDLER, DRAIN_TIMEOUT, DEFAULT_DRAIN_INSTANCES,
          DEFAULT_MAX_DRAIN_INSTANCES), region, launcher, supervisor, roomToScaleOut);
      LambdaFunction antiEntropy = function(started, config("anti-entropy", ANTI_ENTROPY_HANDLER, ANTI_ENTROPY_TIMEOUT,
          DEFAULT_ANTI_ENTROPY_INSTANCES, DEFAULT_MAX_ANTI_ENTROPY_INSTANCES), region, launcher, supervisor, roomToScaleOut);
      awaitReady(started);
      return new AwsCloud(spec, supervisor, intent, ingress, drain, antiEntropy, region);
    } catch (RuntimeException e) {
      stop(supervisor, started);
      throw e;
    }
  }

  private static LambdaFunction function(List<LambdaFunction> started, LambdaFunction.Config config, String region,
      LambdaFunction.Launcher launcher, ScheduledExecutorService supervisor, BooleanSupplier roomToScaleOut) {
    String arn = "arn:aws:lambda:" + region + ":" + ACCOUNT_ID + ":function:" + config.name();
    LambdaFunction function = new LambdaFunction(config, arn, launcher, supervisor, roomToScaleOut);
    started.add(function);
    return function;
  }

  private static void awaitReady(List<LambdaFunction> functions) {
    CompletableFuture<Void> all = CompletableFuture.allOf(functions.stream().map(LambdaFunction::ready).toArray(CompletableFuture[]::new));
    try {
      all.get(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("an AWS Lambda runtime did not start: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      StringBuilder notReady = new StringBuilder();
      functions.forEach(f -> notReady.append(f.describeNotReady()));
      throw new IllegalStateException("the AWS Lambda runtimes did not all start within " + STARTUP.toSeconds() + " s:" + notReady);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the AWS Lambda runtimes", e);
    }
  }

  /**
   * {@code java <Lambda's flags> <spec's options> -Duser.dir=<task root> -cp <runtime> AWSLambda <handler>};
   * with layers, run in a mount namespace of its own in which {@code opt} is {@code /opt}.
   */
  private static List<String> command(CloudSpec spec, List<Path> runtime, Path nativeClient, Path taskRoot, Optional<Path> opt,
      String handler, Path crashLog) {
    List<String> options = new ArrayList<>(LAMBDA_JVM_OPTIONS);
    options.add("-D" + NATIVE_CLIENT_PROPERTY + "=" + nativeClient);
    options.add("-XX:ErrorFile=" + crashLog);
    options.addAll(spec.jvmOptions());
    // The runtime's task root is its working directory (/var/task on Lambda).
    options.add("-Duser.dir=" + taskRoot);
    List<String> java = ChildProcess.java(options, runtime, RIC_MAIN, handler);
    if (opt.isEmpty()) {
      return java;
    }
    // unshare execs sh, which execs java: the process the sandbox holds is the runtime's JVM.
    List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private",
        "sh", "-c", "mount --bind \"$0\" /opt && exec \"$@\"", opt.get().toString()));
    cmd.addAll(java);
    return cmd;
  }

  /**
   * Unpacks a function's layers as Lambda does, into what its runtime sees as {@code /opt}: here the
   * folder {@code opt}, which each runtime process gets as {@code /opt} in a mount namespace of its
   * own ({@code unshare --mount}, as root), because the runtime interface client loads layers'
   * jars from the fixed path {@code /opt/java/lib} (after the task root and its {@code lib/}, in
   * the same class loader). The machine's own {@code /opt} is untouched, and every other process,
   * other sandboxes' runtimes included, still sees it.
   *
   * @return {@code opt}
   * @throws IllegalStateException if this JVM runs from {@code /opt}, which the runtime would then
   *     not see
   */
  static Path layers(Path layer, Path opt) {
    if (Path.of(System.getProperty("java.home")).toAbsolutePath().startsWith("/opt")) {
      throw new IllegalStateException("Lambda layers need /opt of their own, but this JVM runs from "
          + System.getProperty("java.home") + "; run the sandbox with a JDK outside /opt");
    }
    return DeploymentPackage.unpack(layer, opt);
  }

  /** The spec's environment, then the variables Lambda reserves and sets itself. */
  private static Map<String, String> environment(CloudSpec spec, LambdaFunction.Config config, String runtimeApi, String region,
      int memoryMb, Path taskRoot, Path runtimeDir) {
    Map<String, String> env = new LinkedHashMap<>(spec.env());
    env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
    env.put("_HANDLER", config.handler());
    env.put("AWS_LAMBDA_FUNCTION_NAME", config.name());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + config.name());
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy/MM/dd"))
        + "/[$LATEST]" + UUID.randomUUID().toString().replace("-", ""));
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java17");
    env.put("AWS_REGION", region);
    env.put("AWS_DEFAULT_REGION", region);
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("LAMBDA_RUNTIME_DIR", runtimeDir.toString());
    env.put("TZ", ":UTC");
    return env;
  }

  /**
   * Lambda's runtime library: the jars e2e-tests' build copies (the runtime interface client, its
   * serialization and aws-lambda-java-core) and the AWS SDK's {@code utils-lite}, which the runtime
   * interface client 2.10 also needs on its own class path (it is in Lambda's runtime). If the
   * build did not copy utils-lite, the one on this JVM's class path is used.
   */
  static List<Path> runtimeClassPath(Path runtimeDir) {
    List<Path> jars;
    try (Stream<Path> files = Files.list(runtimeDir)) {
      jars = new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + runtimeDir, e);
    }
    if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("utils-lite-"))) {
      try {
        Class<?> utilsLite = Class.forName("software.amazon.awssdk.utilslite.SdkInternalThreadLocal");
        jars.add(Path.of(utilsLite.getProtectionDomain().getCodeSource().getLocation().toURI()));
      } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
        throw new IllegalStateException("Lambda's runtime interface client needs software.amazon.awssdk:utils-lite; "
            + "it is neither in " + runtimeDir + " nor on the class path", e);
      }
    }
    return jars;
  }

  /**
   * The runtime interface client's JNI library for this machine, extracted once. Left to itself,
   * the client extracts it to the fixed path {@code /tmp/.libaws-lambda-jni.so} on every start,
   * trying each platform's library in turn: fine in a Lambda sandbox, which has its own
   * {@code /tmp}, but runtimes starting side by side here would overwrite each other's copy.
   */
  static Path nativeClientLibrary(List<Path> runtime, Path dir) {
    String arch = System.getProperty("os.arch");
    String name = "libaws-lambda-jni.linux-" + (arch.equals("aarch64") ? "aarch_64" : "x86_64") + ".so";
    Path ric = runtime.stream().filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client-"))
        .findFirst().orElseThrow(() -> new IllegalStateException("no aws-lambda-java-runtime-interface-client jar in " + runtime));
    Path target = dir.resolve(name);
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(ric.toFile())) {
      java.util.zip.ZipEntry entry = zip.getEntry("jni/" + name);
      if (entry == null) {
        throw new IllegalStateException(ric + " has no jni/" + name);
      }
      if (!Files.isRegularFile(target) || Files.size(target) != entry.getSize()) {
        Files.createDirectories(dir);
        Path fresh = dir.resolve(name + ".tmp-" + UUID.randomUUID());
        try (var in = zip.getInputStream(entry)) {
          Files.copy(in, fresh);
        }
        Files.move(fresh, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("could not extract " + name + " from " + ric, e);
    }
  }

  /** The function memory that matches the heap the spec gives ({@code -Xmx256m}: 256); else 256. */
  static int memoryMb(List<String> jvmOptions) {
    int mb = 256;
    for (String option : jvmOptions) {
      if (option.startsWith("-Xmx") && option.length() > 4) {
        String size = option.substring(4).toLowerCase(Locale.ROOT);
        char unit = size.charAt(size.length() - 1);
        long number = Long.parseLong(Character.isDigit(unit) ? size : size.substring(0, size.length() - 1));
        mb = (int) switch (unit) {
          case 'g' -> number * 1024;
          case 'm' -> number;
          case 'k' -> number / 1024;
          default -> number / (1024 * 1024);
        };
      }
    }
    return mb;
  }

  /** A function's configuration, its environment counts overridable by system properties. */
  private static LambdaFunction.Config config(String function, String handler, Duration timeout, int initial, int max) {
    int initialCount = count("syncline.sandbox.aws.instances." + function, initial);
    int maxCount = Math.max(initialCount, count("syncline.sandbox.aws.maxInstances." + function, max));
    return new LambdaFunction.Config("syncline-" + function, handler, timeout, initialCount, maxCount);
  }

  private static int count(String property, int defaultCount) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      return defaultCount;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + " must be a positive number, not \"" + value + "\"");
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

  @Override
  public BusTarget busTarget() {
    return eventBridge;
  }

  @Override
  public URI ingress() {
    return functionUrl.uri();
  }

  /**
   * Invokes the drain function once with the schedule's input and waits for its answer.
   *
   * @throws IOException if the function failed or timed out
   */
  @Override
  public void drain() throws IOException {
    scheduled(drain, "drain", DRAIN_TIMEOUT);
  }

  /**
   * Invokes the anti-entropy function once with the schedule's input and waits for its answer
   * (the round's summary, which its log has too).
   *
   * @throws IOException if the function failed or timed out
   */
  @Override
  public void antiEntropy() throws IOException {
    scheduled(antiEntropy, "anti-entropy", ANTI_ENTROPY_TIMEOUT);
  }

  /** One invocation of a scheduled function, as an EventBridge Scheduler target makes it. */
  private static void scheduled(LambdaFunction function, String what, Duration timeout) throws IOException {
    try {
      Invocation.Result result = function.invoke(SCHEDULE_INPUT).get();
      if (result instanceof Invocation.Result.FunctionError error) {
        throw new IOException("the " + what + " function failed: " + error.describe());
      }
    } catch (ExecutionException e) {
      throw new IOException(e.getCause() instanceof TimeoutException
          ? "the " + what + " function timed out after " + timeout.toSeconds() + " s"
          : "the " + what + " function could not be invoked: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running the " + what + " function", e);
    }
  }

  /** Stops the Function URL front, every runtime process and the Runtime APIs. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    functionUrl.close();
    stop(supervisor, functions);
  }

  private static void stop(ScheduledExecutorService supervisor, List<LambdaFunction> functions) {
    supervisor.shutdownNow();
    try {
      supervisor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    functions.forEach(LambdaFunction::close);
  }
}

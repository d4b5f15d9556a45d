package dev.syncline.e2e.aws;

import dev.syncline.e2e.sandbox.ChildProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lambda function as Lambda runs it: execution environments, each a runtime process (the
 * Runtime Interface Client around the handler) polling its own endpoint of the function's
 * {@link LambdaRuntimeApi}, so that every environment handles one invocation at a time and the
 * function as many at once as it has environments.
 *
 * <p>Like Lambda, it scales out when invocations wait: {@link Config#initialInstances()}
 * environments are initialised up front (as provisioned concurrency would be), and whenever an
 * invocation has waited {@value #SCALE_OUT_AFTER_MILLIS} ms for an environment, one more is started,
 * one at a time, up to {@link Config#maxInstances()} (as reserved concurrency caps it). Unlike
 * Lambda, whose environments each bring their own CPU, it scales out only while the machine has CPU
 * to spare: when invocations wait because the CPU is saturated, another JVM only slows everything
 * down. It never scales in. An environment whose invocation times out is shut down and replaced, and one whose
 * runtime exits is replaced; the invocation it held fails at once with {@code Runtime.ExitError}.
 * A runtime that fails while initialising is restarted with a growing delay, so that a broken
 * deployment does not spin.
 */
final class LambdaFunction implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LambdaFunction.class);

  private static final long SUPERVISE_MILLIS = 100;
  /** How long an invocation waits for a free environment before another one is started. */
  static final long SCALE_OUT_AFTER_MILLIS = 100;
  private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);

  /**
   * A function's configuration, as Terraform would set it.
   *
   * @param name the function name, e.g. {@code syncline-intent}
   * @param handler the handler string, e.g. {@code dev.syncline.aws.OutboxDrainHandler::handleRequest}
   * @param timeout the function timeout
   * @param initialInstances execution environments started (and awaited) up front
   * @param maxInstances the most execution environments it scales out to
   */
  record Config(String name, String handler, Duration timeout, int initialInstances, int maxInstances) {

    Config {
      if (initialInstances < 1 || maxInstances < initialInstances) {
        throw new IllegalArgumentException(name + " needs 1 <= initial <= max execution environments, not "
            + initialInstances + " and " + maxInstances);
      }
    }
  }

  /** Starts the runtime process of one execution environment. */
  @FunctionalInterface
  interface Launcher {

    /**
     * @param config the function
     * @param runtimeApi the environment's {@code AWS_LAMBDA_RUNTIME_API}, {@code 127.0.0.1:<port>}
     * @param process a name for the process and its log, such as {@code intent-2}
     */
    ChildProcess launch(Config config, String runtimeApi, String process);
  }

  private final Config config;
  private final LambdaRuntimeApi api;
  private final Launcher launcher;
  private final ScheduledExecutorService supervisor;
  private final BooleanSupplier roomToScaleOut;
  private final List<Environment> environments = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> ready;
  private volatile boolean closed;

  /**
   * Starts the function's initial execution environments; {@link #ready()} tells when they have
   * initialised.
   *
   * @param functionArn the ARN runtimes see as {@code Lambda-Runtime-Invoked-Function-Arn}
   * @param supervisor a single thread for the environments' lifecycle (watching, replacing, adding)
   * @param roomToScaleOut whether the machine can take another execution environment now
   */
  LambdaFunction(Config config, String functionArn, Launcher launcher, ScheduledExecutorService supervisor,
      BooleanSupplier roomToScaleOut) {
    this.config = config;
    this.api = new LambdaRuntimeApi(functionArn, config.timeout());
    this.launcher = launcher;
    this.supervisor = supervisor;
    this.roomToScaleOut = roomToScaleOut;
    for (int i = 1; i <= config.initialInstances(); i++) {
      environments.add(new Environment(i, true));
    }
    this.ready = CompletableFuture.allOf(environments.stream().map(e -> e.firstReady).toArray(CompletableFuture[]::new));
    try {
      supervisor.submit(() -> environments.forEach(Environment::start)).get();
    } catch (Exception e) {
      close();
      throw new IllegalStateException("could not start " + config.name(), e);
    }
    supervisor.scheduleWithFixedDelay(this::supervise, SUPERVISE_MILLIS, SUPERVISE_MILLIS, TimeUnit.MILLISECONDS);
  }

  Config config() {
    return config;
  }

  /**
   * Completes when every initial execution environment's runtime has asked for its first
   * invocation; fails (with the end of its log) if one exits before that.
   */
  CompletableFuture<Void> ready() {
    return ready;
  }

  /** Execution environments running or being replaced. */
  int environments() {
    return environments.size();
  }

  /** What has not become ready yet, with the ends of their logs: for a startup timeout. */
  String describeNotReady() {
    StringBuilder b = new StringBuilder();
    for (Environment e : environments) {
      if (e.initial && !e.firstReady.isDone()) {
        b.append('\n').append(e.process.name()).append(" has not polled its Runtime API; its log ends:\n").append(e.process.tail());
      }
    }
    return b.toString();
  }

  /** Invokes the function synchronously; see {@link LambdaRuntimeApi#invoke}. */
  CompletableFuture<Invocation.Result> invoke(byte[] payload) {
    return api.invoke(payload);
  }

  private void supervise() {
    if (closed) {
      return;
    }
    try {
      environments.forEach(Environment::check);
      scaleOut();
    } catch (RuntimeException e) {
      log.error("{}: supervising the execution environments failed", config.name(), e);
    }
  }

  /** Adds an environment if invocations wait, none is initialising or failing, and there is room. */
  private void scaleOut() {
    if (environments.size() >= config.maxInstances() || !ready.isDone() || ready.isCompletedExceptionally()
        || api.oldestQueuedMillis() < SCALE_OUT_AFTER_MILLIS
        || environments.stream().anyMatch(e -> e.initialising() || e.initFailures > 0)
        || !roomToScaleOut.getAsBoolean()) {
      return;
    }
    Environment added = new Environment(environments.size() + 1, false);
    environments.add(added);
    log.info("{}: invocations are waiting; scaling out to {} execution environments", config.name(), environments.size());
    added.start();
  }

  /**
   * Stops every runtime process and the Runtime API; invocations in flight fail. Call it once the
   * supervisor thread has stopped, so that no environment is being started meanwhile.
   */
  @Override
  public void close() {
    closed = true;
    for (Environment e : environments) {
      if (e.process != null) {
        e.process.close();
      }
    }
    api.close();
  }

  /** One execution environment; its state changes only on the supervisor thread. */
  private final class Environment {

    final int index;
    /** One of the environments the function starts with: if it fails before it is ready, the start fails. */
    final boolean initial;
    final CompletableFuture<Void> firstReady = new CompletableFuture<>();
    int generation;
    ChildProcess process;
    LambdaRuntimeApi.Endpoint endpoint;
    boolean up;
    int initFailures;
    long restartAtNanos;

    Environment(int index, boolean initial) {
      this.index = index;
      this.initial = initial;
    }

    void start() {
      if (closed) {
        return;
      }
      generation++;
      int thisGeneration = generation;
      String processName = config.name().replaceFirst("^syncline-", "") + "-" + index + (generation > 1 ? "-g" + generation : "");
      endpoint = api.openEndpoint(config.name() + "-" + index, timedOut -> supervisor.execute(
          () -> replace(thisGeneration, "invocation " + timedOut.requestId() + " timed out after " + config.timeout().toMillis() + " ms")));
      process = launcher.launch(config, endpoint.address(), processName);
      up = true;
    }

    boolean initialising() {
      return up && !endpoint.firstPoll().isDone();
    }

    /** Notices a runtime that has become ready, or exited; restarts one that is due. */
    void check() {
      if (up && endpoint.firstPoll().isDone()) {
        initFailures = 0;
        firstReady.complete(null);
      }
      if (up && !process.isAlive()) {
        boolean initialised = endpoint.firstPoll().isDone();
        String initError = endpoint.initError();
        String reason = "the runtime exited" + (initialised ? "" : " while initialising")
            + (initError == null ? "" : " (init error " + initError + ")");
        endpoint.abandon(reason);
        up = false;
        if (initial && firstReady.completeExceptionally(new IllegalStateException(
            process.name() + ": " + reason + "; its log ends:\n" + process.tail()))) {
          return; // the function fails to start, as a broken deployment does
        }
        initFailures = initialised ? 0 : initFailures + 1;
        Duration delay = initFailures == 0 ? Duration.ZERO
            : Duration.ofSeconds(Math.min(MAX_RESTART_DELAY.toSeconds(), 1L << Math.min(initFailures - 1, 5)));
        restartAtNanos = System.nanoTime() + delay.toNanos();
        log.warn("{}: {}; replacing it{} (log {})", process.name(), reason,
            delay.isZero() ? "" : " in " + delay.toSeconds() + " s", process.log());
      }
      if (!up && !(initial && firstReady.isCompletedExceptionally()) && System.nanoTime() - restartAtNanos >= 0) {
        start();
      }
    }

    /** Shuts the environment down and starts a new one, as Lambda does after a timeout. */
    void replace(int expectedGeneration, String reason) {
      if (closed || generation != expectedGeneration || !up) {
        return;
      }
      log.warn("{}: {}; replacing the execution environment (log {})", process.name(), reason, process.log());
      endpoint.abandon(reason);
      process.close();
      up = false;
      start();
    }
  }
}

package dev.syncline.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.syncline.e2e.SharedSandbox;
import dev.syncline.e2e.sandbox.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The execution-environment lifecycle of {@link LambdaFunction}, with {@link FakeRuntime}
 * processes standing in for the runtime interface client.
 */
class LambdaFunctionIT {

  @TempDir
  Path logs;

  private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor();
  private LambdaFunction function;

  @BeforeAll
  static void noSharedSandbox() {
    SharedSandbox.close(); // not to share the machine with its schedules
  }

  @AfterEach
  void stop() throws InterruptedException {
    supervisor.shutdownNow();
    supervisor.awaitTermination(10, TimeUnit.SECONDS);
    if (function != null) {
      function.close();
    }
  }

  private LambdaFunction start(String mode, Duration timeout, int initial, int max, BooleanSupplier room) {
    Path classes;
    try {
      classes = Path.of(FakeRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    LambdaFunction.Launcher launcher = (config, runtimeApi, process) -> ChildProcess.start(process,
        ChildProcess.java(List.of("-Xmx32m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"), List.of(classes),
            FakeRuntime.class.getName(), mode),
        Map.of("AWS_LAMBDA_RUNTIME_API", runtimeApi), logs.resolve(process + ".log"));
    function = new LambdaFunction(new LambdaFunction.Config("syncline-test", "x::y", timeout, initial, max),
        "arn:aws:lambda:us-east-1:000000000000:function:syncline-test", launcher, supervisor, room);
    return function;
  }

  private static Invocation.Result invoke(LambdaFunction f, String payload) throws Exception {
    return f.invoke(payload.getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
  }

  private static String text(Invocation.Result r) {
    return new String(((Invocation.Result.Response) r).payload(), StandardCharsets.UTF_8);
  }

  @Test
  void invocations_areAnsweredByTheRuntimes() throws Exception {
    LambdaFunction f = start("run", Duration.ofSeconds(30), 2, 2, () -> false);
    f.ready().get(30, TimeUnit.SECONDS);

    assertThat(text(invoke(f, "{\"n\":1}"))).isEqualTo("{\"n\":1}");
    assertThat(text(invoke(f, "{\"n\":2}"))).isEqualTo("{\"n\":2}");
    assertThat(f.environments()).isEqualTo(2);
  }

  @Test
  void runtimeThatExitsWhileStarting_failsReady_withTheEndOfItsLog() {
    LambdaFunction f = start("exit-at-start", Duration.ofSeconds(30), 1, 1, () -> false);

    assertThatThrownBy(() -> f.ready().get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("test-1")
        .hasMessageContaining("the fake runtime gives up before polling");
  }

  @Test
  void runtimeThatExitsDuringAnInvocation_failsItWithRuntimeExitError_andIsReplaced() throws Exception {
    LambdaFunction f = start("run", Duration.ofSeconds(30), 1, 1, () -> false);
    f.ready().get(30, TimeUnit.SECONDS);

    Invocation.Result crashed = invoke(f, "{\"exit\":true}");
    Invocation.Result next = invoke(f, "{\"after\":true}");

    assertThat(crashed).isInstanceOf(Invocation.Result.FunctionError.class);
    assertThat(((Invocation.Result.FunctionError) crashed).errorType()).isEqualTo("Runtime.ExitError");
    assertThat(text(next)).isEqualTo("{\"after\":true}");
    assertThat(logs.resolve("test-1-g2.log")).exists();
  }

  @Test
  void invocationThatTimesOut_replacesItsEnvironment() throws Exception {
    LambdaFunction f = start("run", Duration.ofSeconds(2), 1, 1, () -> false);
    f.ready().get(30, TimeUnit.SECONDS);

    CompletableFuture<Invocation.Result> hung = f.invoke("{\"hang\":true}".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> hung.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
    await().atMost(Duration.ofSeconds(20)).until(() -> logs.resolve("test-1-g2.log").toFile().exists());
    assertThat(text(invoke(f, "{\"after\":true}"))).isEqualTo("{\"after\":true}");
  }

  @Test
  void waitingInvocations_scaleTheFunctionOut_upToItsMaximum() throws Exception {
    LambdaFunction f = start("run", Duration.ofSeconds(30), 1, 3, () -> true);
    f.ready().get(30, TimeUnit.SECONDS);

    List<CompletableFuture<Invocation.Result>> results = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      results.add(f.invoke(("{\"slow\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> f.environments() == 3);
    for (int i = 0; i < results.size(); i++) {
      assertThat(text(results.get(i).get(30, TimeUnit.SECONDS))).isEqualTo("{\"slow\":" + i + "}");
    }
    assertThat(f.environments()).isEqualTo(3);
  }

  @Test
  void waitingInvocations_doNotScaleTheFunctionOut_whenTheMachineHasNoRoom() throws Exception {
    LambdaFunction f = start("run", Duration.ofSeconds(30), 1, 3, () -> false);
    f.ready().get(30, TimeUnit.SECONDS);

    List<CompletableFuture<Invocation.Result>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(f.invoke(("{\"slow\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
    }
    for (CompletableFuture<Invocation.Result> r : results) {
      assertThat(r.get(30, TimeUnit.SECONDS)).isInstanceOf(Invocation.Result.Response.class);
    }

    assertThat(f.environments()).isEqualTo(1);
  }
}

package dev.syncline.e2e.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things are: the project's built artifacts, the platform runtimes that e2e-tests' build
 * copies into {@code target/runtimes}, and the sandbox's working folder
 * {@code e2e-tests/target/sandbox}.
 */
public record Layout(Path root) {

  /** The project root, from {@code -Dsyncline.root} (the build sets it) or the working folder. */
  public static Layout detect() {
    String prop = System.getProperty("syncline.root");
    Path root = (prop != null ? Path.of(prop) : Path.of("").toAbsolutePath()).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("e2e-tests")) && Files.isDirectory(root.getParent().resolve("e2e-tests"))) {
      root = root.getParent();
    }
    if (!Files.isDirectory(root.resolve("e2e-tests"))) {
      throw new IllegalStateException(root + " is not the Syncline project root; set -Dsyncline.root");
    }
    return new Layout(root);
  }

  public Path work() {
    return root.resolve("e2e-tests/target/sandbox");
  }

  public Path logs() {
    return work().resolve("logs");
  }

  /** The shaded Lambda jar that {@code functions-aws} builds. */
  public Path awsJar() {
    return require(root.resolve("functions-aws/target/syncline-aws.jar"));
  }

  /** Lambda's runtime interface client and its serialization library. */
  public Path awsRuntime() {
    return require(root.resolve("e2e-tests/target/runtimes/aws-lambda"));
  }

  /** The function app that azure-functions-maven-plugin stages: {@code host.json}, one folder per function. */
  public Path azureApp() {
    return require(root.resolve("functions-azure/target/azure-functions/syncline-azure"));
  }

  /**
   * The Cloud Functions deployable, a "thin JAR with external dependencies": {@code syncline-gcp.jar},
   * whose manifest {@code Class-Path} names every library, and {@code lib/}.
   */
  public Path gcpDeploy() {
    require(root.resolve("functions-gcp/target/deploy/lib"));
    return require(root.resolve("functions-gcp/target/deploy"));
  }

  /** java-function-invoker, the Functions Framework's runner. */
  public Path gcpInvoker() {
    return require(root.resolve("e2e-tests/target/runtimes/gcp-invoker/java-function-invoker-1.4.1.jar"));
  }

  /** e2e-tests' own compiled classes (the Azure host runs from them). */
  public Path e2eClasses() {
    return require(root.resolve("e2e-tests/target/classes"));
  }

  public Path dynaliteCli() {
    return require(root.resolve("functions-aws/dynalite/node_modules/dynalite/cli.js"));
  }

  public Path azuriteTableCli() {
    return require(root.resolve("functions-azure/azurite/node_modules/azurite/dist/src/table/main.js"));
  }

  private static Path require(Path p) {
    if (!Files.exists(p)) {
      throw new IllegalStateException(p + " is missing: build the project first (the README's commands do)");
    }
    return p;
  }
}

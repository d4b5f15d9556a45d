package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.infra.FunctionPackages.Cloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Check#PACKAGES}: what Terraform names in the function packages exists there. Lambda
 * handler strings name a handler class and its method; Cloud Functions entry points name a
 * Functions Framework function; {@code .../functions/<name>} ids name an Azure function of the app
 * (and an Event Grid subscription's function has an Event Grid trigger); Java runtimes are 17 or
 * newer (the jars are built for 17); and package paths under {@code path.module} that point into
 * a build output exist.
 */
final class PackageCheck implements Validator.ModuleCheck {

  private static final Pattern JAVA_RUNTIME = Pattern.compile("^java(\\d+)$");
  private static final Pattern AZURE_FUNCTION = Pattern.compile("/functions/([A-Za-z][A-Za-z0-9_-]*)");
  private static final Pattern MODULE_PATH = Pattern.compile("\\$\\{path\\.module}/([^\"$]*/target/[^\"$]*)");
  private static final Set<String> LAMBDA_HANDLERS = Set.of(
      "com.amazonaws.services.lambda.runtime.RequestHandler",
      "com.amazonaws.services.lambda.runtime.RequestStreamHandler");
  private static final Set<String> GCP_FUNCTIONS = Set.of(
      "com.google.cloud.functions.HttpFunction",
      "com.google.cloud.functions.CloudEventsFunction",
      "com.google.cloud.functions.BackgroundFunction",
      "com.google.cloud.functions.RawBackgroundFunction",
      "com.google.cloud.functions.TypedFunction");

  /** The function resource that marks a module as deploying that cloud's package. */
  private static final Map<Cloud, String> CLOUD_RESOURCES = Map.of(
      Cloud.AWS, "aws_lambda_function",
      Cloud.AZURE, "azurerm_linux_function_app",
      Cloud.GCP, "google_cloudfunctions2_function");
  private static final Pattern LOCAL = Pattern.compile("\\$\\{local\\.([A-Za-z0-9_-]+)}");

  private final FunctionPackages packages;

  PackageCheck(FunctionPackages packages) {
    this.packages = packages;
  }

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    for (TfModule.Block f : m.ofType("aws_lambda_function")) {
      javaRuntime(m, f, f.body().path("runtime"), findings);
      String handler = f.body().path("handler").asText("");
      String[] parts = handler.split("::", 2);
      String method = parts.length > 1 ? parts[1] : "handleRequest";
      implementation(m, f, Cloud.AWS, parts[0], LAMBDA_HANDLERS, "a Lambda handler", findings)
          .filter(c -> !c.publicMethods().contains(method))
          .ifPresent(c -> findings.add(new Finding(Check.PACKAGES, m.where(f),
              "handler " + handler + ": " + c.name() + " has no public method " + method)));
    }
    for (TfModule.Block f : m.ofType("google_cloudfunctions2_function")) {
      JsonNode build = TfModule.at(f.body(), "build_config");
      javaRuntime(m, f, build.path("runtime"), findings);
      implementation(m, f, Cloud.GCP, build.path("entry_point").asText(""), GCP_FUNCTIONS, "a Functions Framework function", findings);
    }
    for (TfModule.Block app : m.ofType("azurerm_linux_function_app")) {
      String java = TfModule.at(app.body(), "site_config.application_stack.java_version").asText("");
      if (!java.matches("\\d+") || Integer.parseInt(java) < 17) {
        findings.add(new Finding(Check.PACKAGES, m.where(app),
            "site_config.application_stack.java_version must be 17 or newer (the package is built for Java 17), got '" + java + "'"));
      }
    }
    azureFunctions(m, findings);
    packagePaths(m, findings);
  }

  private void javaRuntime(TfModule m, TfModule.Block f, JsonNode runtime, List<Finding> findings) {
    Matcher r = JAVA_RUNTIME.matcher(runtime.asText(""));
    if (!r.matches() || Integer.parseInt(r.group(1)) < 17) {
      findings.add(new Finding(Check.PACKAGES, m.where(f),
          "runtime must be java17 or newer (the package is built for Java 17), got '" + runtime.asText("") + "'"));
    }
  }

  private Optional<ClassFile> implementation(
      TfModule m, TfModule.Block f, Cloud cloud, String className, Set<String> kinds, String what, List<Finding> findings) {
    Optional<ClassFile> c = packages.find(cloud, className);
    if (c.isEmpty()) {
      findings.add(new Finding(Check.PACKAGES, m.where(f),
          "'" + className + "' is not a class of the " + cloud + " package " + packages.path(cloud)));
    } else if (c.get().interfaces().stream().noneMatch(kinds::contains)) {
      findings.add(new Finding(Check.PACKAGES, m.where(f), className + " is not " + what + " (it implements " + c.get().interfaces() + ")"));
      return Optional.empty();
    }
    return c;
  }

  private void azureFunctions(TfModule m, List<Finding> findings) {
    for (TfModule.Block b : m.resources.values()) {
      if (!TfModule.typeOf(b.address()).startsWith("azurerm_")) {
        continue;
      }
      Set<String> names = new LinkedHashSet<>();
      TfModule.walk(b.body(), "", (path, s) -> {
        Matcher fn = AZURE_FUNCTION.matcher(withStringLocals(m, s));
        while (fn.find()) {
          names.add(fn.group(1));
        }
      });
      for (String name : names) {
        Optional<JsonNode> json = packages.azureFunction(name);
        if (json.isEmpty()) {
          findings.add(new Finding(Check.PACKAGES, m.where(b),
              "the Azure function app has no function " + name + " (no " + name + "/function.json in " + packages.path(Cloud.AZURE) + ")"));
        } else if (b.address().startsWith("azurerm_eventgrid_") && !hasBinding(json.get(), "eventGridTrigger")) {
          findings.add(new Finding(Check.PACKAGES, m.where(b), "the function " + name + " has no eventGridTrigger binding"));
        }
      }
    }
  }

  /** The text with every {@code ${local.x}} whose local is a plain string replaced by that string. */
  private static String withStringLocals(TfModule m, String s) {
    Matcher l = LOCAL.matcher(s);
    StringBuilder out = new StringBuilder();
    while (l.find()) {
      TfModule.Block local = m.locals.get("local." + l.group(1));
      boolean plain = local != null && local.body().isTextual() && !local.body().asText().contains("${");
      l.appendReplacement(out, Matcher.quoteReplacement(plain ? local.body().asText() : l.group()));
    }
    return l.appendTail(out).toString();
  }

  private static boolean hasBinding(JsonNode functionJson, String type) {
    for (JsonNode binding : functionJson.path("bindings")) {
      if (type.equals(binding.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Build outputs named under {@code path.module} exist, and are the very package the handlers
   * were checked in (a module could point at another jar than the one holding its handlers).
   */
  private void packagePaths(TfModule m, List<Finding> findings) {
    List<Path> checked = new ArrayList<>();
    CLOUD_RESOURCES.forEach((cloud, type) -> {
      if (!m.ofType(type).isEmpty()) {
        checked.add(packages.path(cloud).toAbsolutePath().normalize());
      }
    });
    for (var blocks : List.of(m.locals, m.resources)) {
      for (TfModule.Block b : blocks.values()) {
        TfModule.walk(b.body(), "", (path, s) -> {
          Matcher p = MODULE_PATH.matcher(s);
          while (p.find()) {
            Path deployed = m.dir.resolve(p.group(1)).toAbsolutePath().normalize();
            if (!Files.exists(deployed)) {
              findings.add(new Finding(Check.PACKAGES, m.where(b),
                  "the package " + p.group(1) + " does not exist: build it first (mvn -B -ntp -DskipTests package)"));
            } else if (!checked.contains(deployed)) {
              findings.add(new Finding(Check.PACKAGES, m.where(b),
                  "deploys " + p.group(1) + ", but the handlers were checked in " + checked + ": deploy the package that holds them"));
            }
          }
        });
      }
    }
  }
}

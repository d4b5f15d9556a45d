package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.infra.FunctionPackages.Cloud;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link Check#EXTENSIONS}: what handler developers and DevOps add to the stock package reaches
 * every function, with the same handlers and entry points.
 *
 * <ul>
 *   <li>A module that deploys functions has an extension input: a variable named
 *       {@code extension_*}.
 *   <li>The code each function runs reads every extension input that the code of its cloud's
 *       other functions reads, through locals, resources and data sources: a Lambda function's
 *       package and {@code layers} (which it must have), a Function App's
 *       {@code zip_deploy_file}, a Cloud Function's {@code build_config}. An extension input no
 *       function's code reads is a finding.
 *   <li>Whatever the module builds from an extension input (a layer version, a copy of the
 *       package, its zip) is on that path too, not built beside it.
 *   <li>On Azure and Google Cloud the jars go to {@code lib/}: on that path, an expression that
 *       reads an extension input names {@code lib/}. A layer zip is not opened (its jars belong
 *       under {@code java/lib/}).
 *   <li>Every function sets {@code SYNCLINE_SCHEMAS} from {@code var.schemas} and
 *       {@code SYNCLINE_SUBSCRIBERS} from {@code var.subscribers}.
 * </ul>
 */
final class ExtensionCheck implements Validator.ModuleCheck {

  private static final String EXTENSION_INPUT = "var.extension_";
  /** The settings DevOps set from Terraform, and the variable each comes from. */
  private static final Map<String, String> SETTINGS = new TreeMap<>(Map.of(
      "SYNCLINE_SCHEMAS", "var.schemas",
      "SYNCLINE_SUBSCRIBERS", "var.subscribers"));
  private static final Set<String> FUNCTION_TYPES = Set.of(
      "aws_lambda_function", "azurerm_linux_function_app", "google_cloudfunctions2_function");
  /** The arguments that choose a Lambda function's code. */
  private static final List<String> LAMBDA_CODE = List.of("filename", "s3_bucket", "s3_key", "image_uri", "layers");

  /** One function resource: the arguments that choose its code, and its environment. */
  private record Function(TfModule.Block block, Cloud cloud, ObjectNode code, JsonNode environment) {}

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    List<Function> functions = functions(m);
    if (functions.isEmpty()) {
      return;
    }
    List<String> inputs = m.variables.keySet().stream().filter(a -> a.startsWith(EXTENSION_INPUT)).sorted().toList();
    if (inputs.isEmpty()) {
      findings.add(new Finding(Check.EXTENSIONS, m.name,
          "no extension input (a variable extension_*): a handler developer's extension jar cannot be deployed without rebuilding the package"));
    }
    SETTINGS.forEach((name, variable) -> {
      if (!m.variables.containsKey(variable)) {
        findings.add(new Finding(Check.EXTENSIONS, m.name, "no variable " + variable.substring(4) + " to set " + name + " from"));
      }
    });

    // An input belongs to the clouds whose functions' code reads it (a module may deploy to
    // several): each function of such a cloud must read it too.
    Map<Function, Set<String>> reached = new LinkedHashMap<>();
    Map<Cloud, Set<String>> inputsOf = new EnumMap<>(Cloud.class);
    for (Function f : functions) {
      Set<String> r = m.reach(f.code());
      reached.put(f, r);
      inputs.stream().filter(r::contains).forEach(i -> inputsOf.computeIfAbsent(f.cloud(), c -> new TreeSet<>()).add(i));
    }
    Map<String, Set<String>> built = builtFrom(m, inputs);
    for (String input : inputs) {
      if (inputsOf.values().stream().noneMatch(s -> s.contains(input))) {
        List<String> from = built.entrySet().stream().filter(e -> e.getValue().contains(input)).map(Map.Entry::getKey).toList();
        findings.add(new Finding(Check.EXTENSIONS, m.where(m.variables.get(input)),
            "no function's code reads it" + (from.isEmpty() ? "" : " (nor " + String.join(", ", from) + ", built from it)")
                + ": the extension does not reach the functions"));
      }
    }
    for (Function f : functions) {
      code(m, f, reached.get(f), inputsOf.getOrDefault(f.cloud(), Set.of()), built, findings);
      settings(m, f, findings);
    }
  }

  private static List<Function> functions(TfModule m) {
    List<Function> found = new ArrayList<>();
    for (TfModule.Block f : m.ofType("aws_lambda_function")) {
      found.add(new Function(f, Cloud.AWS, pick(f.body(), LAMBDA_CODE), TfModule.at(f.body(), "environment").path("variables")));
    }
    for (TfModule.Block f : m.ofType("azurerm_linux_function_app")) {
      found.add(new Function(f, Cloud.AZURE, pick(f.body(), List.of("zip_deploy_file")), f.body().path("app_settings")));
    }
    for (TfModule.Block f : m.ofType("google_cloudfunctions2_function")) {
      found.add(new Function(f, Cloud.GCP, pick(f.body(), List.of("build_config")),
          TfModule.at(f.body(), "service_config").path("environment_variables")));
    }
    return found;
  }

  private static ObjectNode pick(JsonNode body, List<String> arguments) {
    ObjectNode picked = JsonNodeFactory.instance.objectNode();
    for (String a : arguments) {
      if (body.has(a)) {
        picked.set(a, body.get(a));
      }
    }
    return picked;
  }

  /** The resources and data sources (functions aside) that read an extension input, with the inputs they read. */
  private static Map<String, Set<String>> builtFrom(TfModule m, List<String> inputs) {
    Map<String, Set<String>> built = new LinkedHashMap<>();
    m.resources.forEach((address, b) -> {
      if (FUNCTION_TYPES.contains(TfModule.typeOf(address))) {
        return;
      }
      Set<String> read = new TreeSet<>(m.variablesIn(b.body()));
      read.retainAll(inputs);
      if (!read.isEmpty()) {
        built.put(address, read);
      }
    });
    return built;
  }

  private static void code(
      TfModule m, Function f, Set<String> reached, Set<String> inputs, Map<String, Set<String>> built, List<Finding> findings) {
    String where = m.where(f.block());
    if (f.cloud() == Cloud.AWS && !f.code().has("layers")) {
      findings.add(new Finding(Check.EXTENSIONS, where, "no layers: the extension layers do not reach this function"));
      return;
    }
    if (f.code().isEmpty()) {
      findings.add(new Finding(Check.EXTENSIONS, where,
          "no " + (f.cloud() == Cloud.AZURE ? "zip_deploy_file" : "build_config") + ": the check cannot see which package it runs"));
      return;
    }
    List<String> arguments = new ArrayList<>();
    f.code().fieldNames().forEachRemaining(arguments::add);
    String code = "its code (" + String.join(", ", arguments) + ")";
    for (String input : inputs) {
      if (!reached.contains(input)) {
        findings.add(new Finding(Check.EXTENSIONS, where,
            code + " does not read " + input + ", which other " + f.cloud() + " functions' code reads: the extension does not reach this one"));
      }
    }
    built.forEach((address, read) -> {
      if (!reached.contains(address) && read.stream().anyMatch(inputs::contains)) {
        findings.add(new Finding(Check.EXTENSIONS, where,
            address + " is built from " + read + " but is not part of " + code
                + ": reference it, or depends_on it where the package is zipped from a folder it writes"));
      }
    });
    if (f.cloud() != Cloud.AWS && !inputs.isEmpty() && !namesLib(m, reached, inputs)) {
      findings.add(new Finding(Check.EXTENSIONS, where,
          "the extension jars do not go to lib/: nothing on the path of " + code + " that reads " + inputs + " names lib/ ("
              + (f.cloud() == Cloud.AZURE
                  ? "the Java worker puts the jars of lib/ on the class path, not those at the top of the app"
                  : "Cloud Functions runs the one jar at the top of the source and refuses a second")
              + ")"));
    }
  }

  /** Whether an expression of a local or resource on the path reads an extension input and names {@code lib/}. */
  private static boolean namesLib(TfModule m, Set<String> reached, Set<String> inputs) {
    for (String address : reached) {
      TfModule.Block b = address.startsWith("local.") ? m.locals.get(address) : m.resources.get(address);
      if (b == null) {
        continue;
      }
      boolean[] found = {false};
      TfModule.walk(b.body(), "", (path, s) -> {
        if (s.contains("lib/") && m.refs(s).stream().map(TfModule::address).anyMatch(inputs::contains)) {
          found[0] = true;
        }
      });
      if (found[0]) {
        return true;
      }
    }
    return false;
  }

  private static void settings(TfModule m, Function f, List<Finding> findings) {
    JsonNode env = m.mapValue(f.environment());
    if (env == null) {
      return; // the environment check reports an environment it cannot read
    }
    SETTINGS.forEach((name, variable) -> {
      if (!m.variables.containsKey(variable)) {
        return;
      }
      if (!env.has(name)) {
        findings.add(new Finding(Check.EXTENSIONS, m.where(f.block()), name + " is not set: DevOps set it with " + variable));
      } else if (!m.variablesIn(env.get(name)).contains(variable)) {
        findings.add(new Finding(Check.EXTENSIONS, m.where(f.block()), name + " does not read " + variable));
      }
    });
  }
}

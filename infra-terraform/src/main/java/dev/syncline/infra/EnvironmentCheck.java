package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.infra.FunctionPackages.Cloud;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link Check#ENVIRONMENT}: the {@code SYNCLINE_*} variables each function resource sets are
 * exactly those its package reads when deployed: every {@code SYNCLINE_*} name in a string
 * constant of the package's classes, less the names read only in local runs and tests
 * ({@link Cloud#localOnly}), plus the names the modules set before the package reads them
 * ({@link Cloud#aheadOfCode}). Other names (platform settings) are not compared.
 */
final class EnvironmentCheck implements Validator.ModuleCheck {

  private final FunctionPackages packages;

  EnvironmentCheck(FunctionPackages packages) {
    this.packages = packages;
  }

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    for (TfModule.Block f : m.ofType("aws_lambda_function")) {
      compare(m, f, Cloud.AWS, List.of(TfModule.at(f.body(), "environment").path("variables")), List.of(), findings);
    }
    for (TfModule.Block f : m.ofType("azurerm_linux_function_app")) {
      compare(m, f, Cloud.AZURE, List.of(f.body().path("app_settings")), List.of(), findings);
    }
    for (TfModule.Block f : m.ofType("google_cloudfunctions2_function")) {
      JsonNode service = TfModule.at(f.body(), "service_config");
      List<String> secretKeys = new ArrayList<>();
      for (JsonNode secret : service.path("secret_environment_variables")) {
        secretKeys.add(secret.path("key").asText());
      }
      compare(m, f, Cloud.GCP, List.of(service.path("environment_variables")), secretKeys, findings);
    }
  }

  private void compare(
      TfModule m, TfModule.Block f, Cloud cloud, List<JsonNode> maps, List<String> extraKeys, List<Finding> findings) {
    Set<String> set = new TreeSet<>();
    for (JsonNode node : maps) {
      if (node.isMissingNode()) {
        continue;
      }
      JsonNode map = m.mapValue(node);
      if (map == null) {
        findings.add(new Finding(Check.ENVIRONMENT, m.where(f),
            "write the environment as a map, or as a local holding one, so that its names can be checked; got " + node));
        return;
      }
      map.fieldNames().forEachRemaining(set::add);
    }
    set.addAll(extraKeys);
    set.removeIf(name -> !name.startsWith("SYNCLINE_"));

    Set<String> read = packages.environmentNames(cloud);
    Set<String> expected = new TreeSet<>(read);
    expected.removeAll(cloud.localOnly.keySet());
    expected.addAll(cloud.aheadOfCode.keySet());
    for (String name : expected) {
      if (set.contains(name)) {
        continue;
      }
      if (read.contains(name)) {
        findings.add(new Finding(Check.ENVIRONMENT, m.where(f), "the " + cloud + " functions read " + name + " but it is not set"));
      } else {
        findings.add(new Finding(Check.ENVIRONMENT, m.where(f),
            name + " is not set; every " + cloud + " function needs it (" + cloud.aheadOfCode.get(name) + ")"));
      }
    }
    for (String name : set) {
      if (cloud.localOnly.containsKey(name)) {
        findings.add(new Finding(Check.ENVIRONMENT, m.where(f),
            name + " is for local runs only (" + cloud.localOnly.get(name) + "); do not set it in a deployment"));
      } else if (!read.contains(name) && !cloud.aheadOfCode.containsKey(name)) {
        findings.add(new Finding(Check.ENVIRONMENT, m.where(f), "the " + cloud + " functions never read " + name));
      }
    }
    for (String name : cloud.aheadOfCode.keySet()) {
      if (read.contains(name)) {
        findings.add(new Finding(Check.ENVIRONMENT, m.where(f),
            "the check lists " + name + " as set ahead of the code for " + cloud + ", but the package reads it now: remove it from FunctionPackages.Cloud"));
      }
    }
    for (String name : cloud.localOnly.keySet()) {
      if (!read.contains(name)) {
        findings.add(new Finding(Check.ENVIRONMENT, m.where(f),
            "the check lists " + name + " as local-only for " + cloud + ", but the package no longer reads it: update FunctionPackages.Cloud"));
      }
    }
  }
}

package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@link Check#PINS}: the module states the Terraform versions it supports and pins every
 * provider it uses (by a resource or data type's prefix, or a {@code provider} block) to exactly
 * one version, with its source.
 */
final class PinCheck implements Validator.ModuleCheck {

  private static final Pattern EXACT = Pattern.compile("^=?\\s*\\d+\\.\\d+\\.\\d+$");
  /** Types that belong to Terraform itself, not to a provider. */
  private static final Set<String> BUILT_IN = Set.of("terraform");

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    Map<String, JsonNode> required = new LinkedHashMap<>();
    boolean versionStated = false;
    for (TfModule.Block t : m.terraformBlocks) {
      versionStated |= t.body().has("required_version");
      for (JsonNode rp : t.body().path("required_providers")) {
        rp.fields().forEachRemaining(e -> required.put(e.getKey(), e.getValue()));
      }
    }
    if (!versionStated) {
      findings.add(new Finding(Check.PINS, m.name, "no terraform { required_version = ... }"));
    }
    required.forEach((name, spec) -> {
      String version = spec.path("version").asText("");
      if (!spec.has("source")) {
        findings.add(new Finding(Check.PINS, m.name, "provider " + name + " has no source"));
      }
      if (!EXACT.matcher(version).matches()) {
        findings.add(new Finding(Check.PINS, m.name,
            "provider " + name + " must be pinned to one version (\"= X.Y.Z\"), got '" + version + "'"));
      }
    });
    for (String address : m.resources.keySet()) {
      String type = TfModule.typeOf(address);
      String provider = type.contains("_") ? type.substring(0, type.indexOf('_')) : type;
      if (!BUILT_IN.contains(provider) && !required.containsKey(provider)) {
        findings.add(new Finding(Check.PINS, m.name + ": " + address, "provider " + provider + " is not in required_providers"));
      }
    }
    for (String provider : m.providers.keySet()) {
      if (!required.containsKey(provider)) {
        findings.add(new Finding(Check.PINS, m.name + ": provider." + provider, "provider " + provider + " is not in required_providers"));
      }
    }
  }
}

package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link Check#INTERFACE}: a module's inputs and outputs explain themselves. Every variable has a
 * type, a description and (unless it is a bool) a validation with an error message, and is used;
 * every output has a description.
 */
final class InterfaceCheck implements Validator.ModuleCheck {

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    Set<String> used = new HashSet<>();
    for (var blocks : List.of(m.locals, m.outputs, m.resources, m.modules)) {
      blocks.values().forEach(b -> m.refsIn(b.body()).forEach(r -> used.add(TfModule.address(r))));
    }
    m.providers.values().forEach(ps -> ps.forEach(b -> m.refsIn(b.body()).forEach(r -> used.add(TfModule.address(r)))));
    m.variables.forEach((address, v) -> {
      JsonNode body = v.body();
      String type = body.path("type").asText("");
      if (type.isEmpty()) {
        findings.add(new Finding(Check.INTERFACE, m.where(v), "no type"));
      }
      if (body.path("description").asText("").isBlank()) {
        findings.add(new Finding(Check.INTERFACE, m.where(v), "no description"));
      }
      if (!type.equals("${bool}") && !body.has("validation")) {
        findings.add(new Finding(Check.INTERFACE, m.where(v), "no validation block"));
      }
      for (JsonNode validation : body.path("validation")) {
        if (validation.path("error_message").asText("").isBlank()) {
          findings.add(new Finding(Check.INTERFACE, m.where(v), "a validation without an error_message"));
        }
      }
      if (!used.contains(address)) {
        findings.add(new Finding(Check.INTERFACE, m.where(v), "declared but never used"));
      }
    });
    m.outputs.forEach((address, o) -> {
      if (o.body().path("description").asText("").isBlank()) {
        findings.add(new Finding(Check.INTERFACE, m.where(o), "no description"));
      }
    });
  }
}

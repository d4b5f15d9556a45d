package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@link Check#SECRETS}: no secret value in plain text. No literal looks like a secret; a secret
 * store's value is built from sensitive variables only; sensitive variables have no default;
 * variables named like secrets are sensitive; outputs that carry a secret are sensitive; and no
 * function environment carries one in plain text (Azure uses a Key Vault reference, Cloud
 * Functions a Secret Manager secret, Lambda reads Secrets Manager itself).
 */
final class SecretCheck implements Validator.ModuleCheck {

  private static final Pattern LITERAL_SECRET = Pattern.compile(
      "whsec_[A-Za-z0-9+/=]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|AccountKey=[A-Za-z0-9+/=]{8,}|SharedAccessKey=[A-Za-z0-9+/=]{8,}");
  private static final Pattern SECRET_NAME = Pattern.compile(".*(secret|password|token|private_key|api_key).*");
  /** Where each secret store keeps the value, by resource type. */
  private static final Map<String, List<String>> SECRET_VALUES = Map.of(
      "aws_secretsmanager_secret_version", List.of("secret_string", "secret_binary"),
      "azurerm_key_vault_secret", List.of("value"),
      "google_secret_manager_secret_version", List.of("secret_data"));
  /** Generated secrets: random values meant to be kept. */
  private static final Set<String> RANDOM_SECRETS = Set.of(
      "random_password.result", "random_bytes.base64", "random_bytes.hex", "random_string.result");

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    for (var blocks : List.of(m.variables, m.locals, m.outputs, m.resources, m.modules)) {
      for (TfModule.Block b : blocks.values()) {
        TfModule.walk(b.body(), "", (path, s) -> {
          if (LITERAL_SECRET.matcher(s).find()) {
            findings.add(new Finding(Check.SECRETS, m.where(b), "a secret in plain text at " + path));
          }
        });
      }
    }
    m.variables.forEach((address, v) -> {
      boolean sensitive = v.body().path("sensitive").asBoolean(false);
      String name = address.substring(4);
      if (sensitive && v.body().has("default") && !v.body().get("default").isNull()) {
        findings.add(new Finding(Check.SECRETS, m.where(v), "a sensitive variable must not have a default (it would be plain text here)"));
      }
      if (!sensitive && SECRET_NAME.matcher(name).matches() && !name.endsWith("_id")
          && !name.endsWith("_name") && !name.endsWith("_arn")) {
        findings.add(new Finding(Check.SECRETS, m.where(v), "it is named like a secret but is not sensitive = true"));
      }
    });
    SECRET_VALUES.forEach((type, attributes) -> {
      for (TfModule.Block b : m.ofType(type)) {
        for (String attribute : attributes) {
          JsonNode value = b.body().get(attribute);
          if (value != null) {
            storedValue(m, b, attribute, value, findings);
          }
        }
      }
    });
    m.outputs.forEach((address, o) -> {
      if (!o.body().path("sensitive").asBoolean(false) && carriesSecret(m, o.body().path("value"))) {
        findings.add(new Finding(Check.SECRETS, m.where(o), "it carries a secret but is not sensitive = true"));
      }
    });
    environments(m, findings);
  }

  private static void storedValue(TfModule m, TfModule.Block b, String attribute, JsonNode value, List<Finding> findings) {
    Set<String> vars = m.variablesIn(value);
    if (vars.isEmpty()) {
      findings.add(new Finding(Check.SECRETS, m.where(b), attribute + " must come from a sensitive variable, not be written here"));
    }
    for (String v : vars) {
      TfModule.Block var = m.variables.get(v);
      if (var != null && !var.body().path("sensitive").asBoolean(false)) {
        findings.add(new Finding(Check.SECRETS, m.where(b), attribute + " reads " + v + ", which is not sensitive = true"));
      }
    }
  }

  /**
   * Whether a value carries a secret: it reads a sensitive variable, a secret store's value (a
   * resource's or a data source's), or a generated random secret, directly or through locals.
   */
  private static boolean carriesSecret(TfModule m, JsonNode value) {
    return carriesSecret(m, value, new HashSet<>());
  }

  private static boolean carriesSecret(TfModule m, JsonNode value, Set<String> seenLocals) {
    for (String ref : m.refsIn(value)) {
      String address = TfModule.address(ref);
      if (address.startsWith("var.")) {
        TfModule.Block var = m.variables.get(address);
        if (var != null && var.body().path("sensitive").asBoolean(false)) {
          return true;
        }
      } else if (address.startsWith("local.")) {
        TfModule.Block local = m.locals.get(address);
        if (local != null && seenLocals.add(address) && carriesSecret(m, local.body(), seenLocals)) {
          return true;
        }
      } else if (address.contains(".")) {
        String[] parts = ref.split("\\.");
        String attribute = parts[parts.length - 1];
        List<String> attributes = SECRET_VALUES.getOrDefault(TfModule.typeOf(address), List.of());
        if (attributes.contains(attribute) || RANDOM_SECRETS.contains(TfModule.typeOf(address) + "." + attribute)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void environments(TfModule m, List<Finding> findings) {
    for (TfModule.Block f : m.ofType("aws_lambda_function")) {
      plain(m, f, m.mapValue(TfModule.at(f.body(), "environment").path("variables")), findings);
    }
    for (TfModule.Block f : m.ofType("google_cloudfunctions2_function")) {
      JsonNode env = m.mapValue(TfModule.at(f.body(), "service_config").path("environment_variables"));
      plain(m, f, env, findings);
      if (env != null && env.has("SYNCLINE_SECRETS")) {
        findings.add(new Finding(Check.SECRETS, m.where(f),
            "SYNCLINE_SECRETS must come from secret_environment_variables (Secret Manager), not environment_variables"));
      }
    }
    for (TfModule.Block f : m.ofType("azurerm_linux_function_app")) {
      JsonNode settings = m.mapValue(f.body().path("app_settings"));
      plain(m, f, settings, findings);
      if (settings != null && settings.has("SYNCLINE_SECRETS")
          && !settings.get("SYNCLINE_SECRETS").asText().startsWith("@Microsoft.KeyVault(")) {
        findings.add(new Finding(Check.SECRETS, m.where(f),
            "SYNCLINE_SECRETS must be a Key Vault reference, @Microsoft.KeyVault(SecretUri=...)"));
      }
    }
  }

  private static void plain(TfModule m, TfModule.Block f, JsonNode env, List<Finding> findings) {
    if (env == null) {
      return;
    }
    env.fields().forEachRemaining(e -> {
      if (carriesSecret(m, e.getValue())) {
        findings.add(new Finding(Check.SECRETS, m.where(f), e.getKey() + " puts a secret into the environment in plain text"));
      }
    });
  }
}

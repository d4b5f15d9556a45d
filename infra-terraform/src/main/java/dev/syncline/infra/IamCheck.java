package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Check#IAM}: grants are least privilege and readable. AWS policies are written as
 * {@code aws_iam_policy_document}s (so that they can be checked here) whose statements name their
 * actions and resources, with no wildcard action, no {@code "*"} resource, and no AWS managed
 * policy (those grant wildcards). Azure role assignments are scoped to a resource, not a resource
 * group or subscription. Google project-wide grants are only for writing logs, metrics and traces
 * (and, to the account Cloud Functions builds run as, the roles Google documents for it); data
 * roles are granted on the instance, secret or topic.
 */
final class IamCheck implements Validator.ModuleCheck {

  private static final Set<String> POLICY_HOLDERS = Set.of(
      "aws_iam_role_policy", "aws_iam_policy", "aws_sqs_queue_policy", "aws_secretsmanager_secret_policy",
      "aws_sns_topic_policy");
  private static final Set<String> PROJECT_WIDE_OK = Set.of(
      "roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/cloudtrace.agent");
  /**
   * What Google documents for a custom Cloud Build account of Cloud Functions: build logs, the
   * image in Artifact Registry, the source in the buckets Cloud Functions creates itself.
   */
  private static final Set<String> BUILD_PROJECT_WIDE_OK = Set.of(
      "roles/logging.logWriter", "roles/artifactregistry.writer", "roles/storage.objectAdmin");
  private static final Pattern ROLE = Pattern.compile("roles/[A-Za-z0-9_.]+");

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    for (TfModule.Block doc : m.ofType("data.aws_iam_policy_document")) {
      List<JsonNode> statements = new ArrayList<>();
      doc.body().path("statement").forEach(statements::add);
      for (JsonNode dynamic : doc.body().path("dynamic").path("statement")) {
        dynamic.path("content").forEach(statements::add);
      }
      for (JsonNode statement : statements) {
        for (String field : List.of("actions", "not_actions")) {
          for (JsonNode action : statement.path(field)) {
            if (action.asText().contains("*")) {
              findings.add(new Finding(Check.IAM, m.where(doc), "wildcard action " + action.asText()));
            }
          }
        }
        for (JsonNode resource : statement.path("resources")) {
          String arn = resource.asText();
          if (arn.equals("*")) {
            findings.add(new Finding(Check.IAM, m.where(doc), "a statement on every resource (\"*\"); name the ARNs"));
          } else if (arn.contains("*") && !logStreams(m, arn)) {
            findings.add(new Finding(Check.IAM, m.where(doc), "a wildcard in the resource " + arn + "; name the ARN"));
          }
        }
        if (statement.has("not_resources")) {
          findings.add(new Finding(Check.IAM, m.where(doc), "not_resources grants everything else; name the ARNs"));
        }
      }
    }
    for (TfModule.Block b : m.resources.values()) {
      String type = TfModule.typeOf(b.address());
      if (b.address().startsWith("data.")) {
        continue;
      }
      if (POLICY_HOLDERS.contains(type) && b.body().has("policy") && !fromDocument(m, b, b.body().get("policy"))) {
        findings.add(new Finding(Check.IAM, m.where(b), "write its policy as a data.aws_iam_policy_document so that it can be checked"));
      }
      if (type.equals("aws_iam_role")) {
        if (!fromDocument(m, b, b.body().path("assume_role_policy"))) {
          findings.add(new Finding(Check.IAM, m.where(b), "write assume_role_policy as a data.aws_iam_policy_document"));
        }
        if (b.body().has("managed_policy_arns") || b.body().has("inline_policy")) {
          findings.add(new Finding(Check.IAM, m.where(b), "attach policies with aws_iam_role_policy and a policy document"));
        }
      }
      if ((type.equals("aws_iam_role_policy_attachment") || type.equals("aws_iam_policy_attachment"))
          && b.body().path("policy_arn").asText("").contains(":aws:policy/")) {
        findings.add(new Finding(Check.IAM, m.where(b), "an AWS managed policy grants wildcards; write a policy document"));
      }
      if (type.equals("azurerm_role_assignment")) {
        boolean onResource = m.dependencies(b, b.body().path("scope")).stream()
            .anyMatch(d -> !d.startsWith("data.") && !d.startsWith("azurerm_resource_group."));
        if (!onResource) {
          findings.add(new Finding(Check.IAM, m.where(b), "scope it to the resource it is for, not a resource group or subscription"));
        }
      }
      if (type.equals("google_project_iam_member") || type.equals("google_project_iam_binding")) {
        Set<String> allowed = buildIdentity(m, b) ? BUILD_PROJECT_WIDE_OK : PROJECT_WIDE_OK;
        for (String role : roles(m, b)) {
          if (!allowed.contains(role)) {
            findings.add(new Finding(Check.IAM, m.where(b), role + " granted project-wide; grant it on the resource it is for"));
          }
        }
      }
    }
  }

  /** The role a grant names, or, for {@code role = each.value}, every role its {@code for_each} lists. */
  private static List<String> roles(TfModule m, TfModule.Block b) {
    String role = b.body().path("role").asText("");
    if (!role.contains("${each.")) {
      return List.of(role);
    }
    List<String> roles = new ArrayList<>();
    Matcher r = ROLE.matcher(b.body().path("for_each").toString());
    while (r.find()) {
      roles.add(r.group());
    }
    return roles.isEmpty() ? List.of(role) : roles;
  }

  /** Whether a grant's member is a service account that Cloud Functions builds run as. */
  private static boolean buildIdentity(TfModule m, TfModule.Block grant) {
    Set<String> members = m.dependencies(grant.body().path("member"));
    for (TfModule.Block f : m.ofType("google_cloudfunctions2_function")) {
      if (m.dependencies(TfModule.at(f.body(), "build_config").path("service_account")).stream().anyMatch(members::contains)) {
        return true;
      }
    }
    return false;
  }

  /** {@code <log group ARN>:*}, the log streams of one log group: the one wildcard allowed. */
  private static boolean logStreams(TfModule m, String arn) {
    return arn.endsWith(":*") && arn.indexOf('*') == arn.length() - 1
        && m.refs(arn).stream().anyMatch(r -> r.startsWith("aws_cloudwatch_log_group."));
  }

  private static boolean fromDocument(TfModule m, TfModule.Block b, JsonNode policy) {
    return m.dependencies(b, policy).stream().anyMatch(d -> d.startsWith("data.aws_iam_policy_document."));
  }
}

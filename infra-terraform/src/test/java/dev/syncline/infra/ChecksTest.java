package dev.syncline.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each check passes its {@code ok} fixture and fails its {@code broken} one, which differs in the
 * few lines a check exists to catch ({@code src/test/resources/fixtures/<case>/}).
 */
class ChecksTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("references", Check.REFERENCES, List.of(
            "undeclared local local.queu", "undeclared resource aws_sqs_queue.dead_letter",
            "undeclared variable var.name_prefx (at lifecycle[0].precondition[0].condition)",
            "each.key in a block without for_each", "main.tf and main.tf both declare output.queue_url")),
        Arguments.of("references-modules", Check.REFERENCES, List.of(
            "has no variable replica", "the required variable replica_id", "has no output replica",
            "../missing holds no Terraform module")),
        Arguments.of("references-cycle", Check.REFERENCES, List.of(
            "dependency cycle: module.a.var.peer_url -> module.b.output.url -> module.b.terraform_data.app")),
        Arguments.of("packages", Check.PACKAGES, List.of(
            "has no public method handle", "runtime must be java17 or newer",
            "'dev.syncline.gcp.HttpIngress' is not a class of the GCP package",
            "the function HttpIngress has no eventGridTrigger binding", "syncline-aws-missing.jar does not exist")),
        Arguments.of("environment", Check.ENVIRONMENT, List.of(
            "the AWS functions read SYNCLINE_REPLICA_ID but it is not set",
            "the AWS functions read SYNCLINE_PEERS but it is not set",
            "the AWS functions never read SYNCLINE_REPLICA",
            "SYNCLINE_DYNAMODB_ENDPOINT is for local runs only",
            "the GCP functions never read SYNCLINE_DYNAMODB_ENDPOINT",
            "aws_lambda_function.intent (main.tf): the AWS functions read SYNCLINE_SUBSCRIBERS but it is not set",
            "google_cloudfunctions2_function.intent (main.tf): the GCP functions read SYNCLINE_SCHEMAS but it is not set")),
        Arguments.of("triggers", Check.TRIGGERS, List.of(
            "aws_cloudwatch_event_target.intent (main.tf): no dead-letter destination",
            "no alarm watches its dead-letter destination [google_pubsub_topic.dead_letters]",
            "google_cloud_scheduler_job.drain (main.tf): no retry policy",
            "it has no dead-letter destination, so an alarm must watch it",
            "an event_trigger's Pub/Sub subscription cannot be given a dead-letter topic")),
        Arguments.of("secrets", Check.SECRETS, List.of(
            "a secret in plain text at secret_string", "secret_string must come from a sensitive variable",
            "must be a Key Vault reference", "SYNCLINE_SECRETS puts a secret into the environment",
            "output.secret_arn (main.tf): it carries a secret",
            "azurerm_linux_function_app.other (main.tf): WEBHOOK_KEY puts a secret into the environment")),
        Arguments.of("pins", Check.PINS, List.of(
            "no terraform { required_version", "provider aws must be pinned to one version",
            "provider random is not in required_providers", "provider.google")),
        Arguments.of("interface", Check.INTERFACE, List.of(
            "var.replica_id (main.tf): no description", "var.replica_id (main.tf): no validation block",
            "a validation without an error_message", "var.unused (main.tf): declared but never used",
            "output.replica_id (main.tf): no description")),
        Arguments.of("iam", Check.IAM, List.of(
            "wildcard action dynamodb:*", "a statement on every resource",
            "aws_iam_role_policy.tables (main.tf): write its policy as a data.aws_iam_policy_document",
            "an AWS managed policy grants wildcards", "not a resource group or subscription",
            "roles/bigtable.user granted project-wide",
            "google_project_iam_member.runtime (main.tf): roles/storage.objectAdmin granted project-wide",
            "a wildcard in the resource arn:aws:dynamodb:*:*:table/${statement.value}")),
        Arguments.of("extensions", Check.EXTENSIONS, List.of(
            "aws_lambda_function.drain (main.tf): no layers",
            "aws_lambda_function.intent (main.tf): its code (filename, layers) does not read var.extension_layer_zip",
            "aws_lambda_function.intent (main.tf): aws_lambda_layer_version.extension is built from [var.extension_layer_zip] but is not part of its code",
            "azurerm_linux_function_app.this (main.tf): local_file.package is built from [var.extension_jars] but is not part of its code (zip_deploy_file)",
            "google_cloudfunctions2_function.intent (main.tf): the extension jars do not go to lib/",
            "google_cloudfunctions2_function.intent (main.tf): SYNCLINE_SCHEMAS is not set",
            "azurerm_linux_function_app.this (main.tf): SYNCLINE_SUBSCRIBERS does not read var.subscribers",
            "no-inputs: no extension input",
            "no-inputs: no variable schemas to set SYNCLINE_SCHEMAS from")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void check_passesItsOkFixture_andFailsItsBrokenOne(String fixture, Check check, List<String> expected) {
    Path dir = Validators.INFRA.resolve("src/test/resources/fixtures").resolve(fixture);

    List<String> ok = messages(Validators.shared().validate(dir.resolve("ok")), check);
    List<String> broken = messages(Validators.shared().validate(dir.resolve("broken")), check);

    assertThat(ok).as("findings on the ok fixture").isEmpty();
    for (String fragment : expected) {
      assertThat(broken).as("findings on the broken fixture").anyMatch(f -> f.contains(fragment));
    }
  }

  private static List<String> messages(List<Finding> findings, Check check) {
    return findings.stream().filter(f -> f.check() == check).map(Finding::toString).toList();
  }
}

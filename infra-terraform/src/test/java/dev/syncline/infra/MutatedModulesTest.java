package dev.syncline.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks catch realistic mistakes in the real modules, not only in the fixtures: each case
 * copies this folder's modules, changes one line, and expects the check's finding.
 */
class MutatedModulesTest {

  private static final Set<String> NOT_MODULES = Set.of("src", "target", "hcl2json", "node_modules", ".build", ".terraform");

  static Stream<Arguments> mutations() {
    return Stream.of(
        Arguments.of("aws/functions.tf", "OutboxDrainHandler::handleRequest", "OutboxDrainHandler::handle",
            Check.PACKAGES, "has no public method handle"),
        Arguments.of("aws/main.tf", "SYNCLINE_PEERS                =", "SYNCLINE_PEER                 =",
            Check.ENVIRONMENT, "the AWS functions read SYNCLINE_PEERS but it is not set"),
        Arguments.of("gcp/locals.tf", "SYNCLINE_ANTI_ENTROPY_REPAIRS =", "SYNCLINE_ANTI_ENTROPY_REPAIR  =",
            Check.ENVIRONMENT, "the GCP functions read SYNCLINE_ANTI_ENTROPY_REPAIRS but it is not set"),
        Arguments.of("aws/storage.tf", "secret_string = local.signing_secrets", "secret_string = \"whsec_MDEyMzQ1Njc4OWFiY2RlZjAx\"",
            Check.SECRETS, "a secret in plain text"),
        Arguments.of("azure/eventgrid.tf", "storage_blob_dead_letter_destination {", "storage_blob_dead_letter_destination_removed {",
            Check.TRIGGERS, "no dead-letter destination (storage_blob_dead_letter_destination)"),
        Arguments.of("gcp/pubsub.tf", "dead_letter_policy {", "dead_letter_policy_removed {",
            Check.TRIGGERS, "no dead-letter destination (dead_letter_policy.dead_letter_topic)"),
        Arguments.of("aws/alarms.tf", "metric_name         = \"DeadLetters\"", "metric_name         = \"DeadLetter\"",
            Check.TRIGGERS, "no alarm selects the functions' DeadLetters metric"),
        Arguments.of("aws/alarms.tf", "dimensions          = { QueueName = aws_sqs_queue.drain_schedule_dlq.name }",
            "dimensions          = { QueueName = \"another-queue\" }",
            Check.TRIGGERS, "no alarm watches its dead-letter destination [aws_sqs_queue.drain_schedule_dlq]"),
        Arguments.of("aws/alarms.tf", "dimensions          = { QueueName = aws_sqs_queue.anti_entropy_schedule_dlq.name }",
            "dimensions          = { QueueName = aws_sqs_queue.drain_schedule_dlq.name }",
            Check.TRIGGERS, "no alarm watches its dead-letter destination [aws_sqs_queue.anti_entropy_schedule_dlq]"),
        Arguments.of("aws/triggers.tf", "dead_letter_config {\n      arn = aws_sqs_queue.anti_entropy_schedule_dlq.arn",
            "dead_letter_config_removed {\n      arn = aws_sqs_queue.anti_entropy_schedule_dlq.arn",
            Check.TRIGGERS, "aws_scheduler_schedule.anti_entropy (triggers.tf): no dead-letter destination"),
        Arguments.of("gcp/monitoring.tf", "resource.labels.job_id=\\\"${google_cloud_scheduler_job.anti_entropy.name}\\\"",
            "resource.labels.job_id=\\\"${google_cloud_scheduler_job.drain.name}\\\"",
            Check.TRIGGERS, "google_cloud_scheduler_job.anti_entropy (scheduler.tf): it has no dead-letter destination, so an alarm must watch it"),
        Arguments.of("aws/triggers.tf", "function_name                = aws_lambda_function.intent.function_name",
            "function_name                = aws_lambda_function.drain.function_name",
            Check.TRIGGERS, "EventBridge invokes aws_lambda_function.intent asynchronously"),
        Arguments.of("aws/triggers.tf", "maximum_retry_attempts       = 2", "maximum_retry_attempts       = 0",
            Check.TRIGGERS, "maximum_retry_attempts = 0 does not retry"),
        Arguments.of("azure/alerts.tf", "| where tostring(m.name) == \"DeadLetters\"", "| where tostring(m.name) == \"Dead\"",
            Check.TRIGGERS, "no alarm selects the functions' DeadLetters metric"),
        Arguments.of("examples/three-clouds/main.tf", "module \"azure\" {", "module \"azure\" {\n  depends_on = [module.aws]",
            Check.REFERENCES, "dependency cycle: module.aws -> module.aws.var.peers -> module.azure.output.ingress_url"),
        Arguments.of("aws/functions.tf",
            "  layers                         = local.layers\n  memory_size                    = var.lambda_memory_mb\n  timeout                        = 300\n",
            "  memory_size                    = var.lambda_memory_mb\n  timeout                        = 300\n",
            Check.EXTENSIONS, "aws_lambda_function.drain (functions.tf): no layers"),
        Arguments.of("aws/main.tf", "  layers = concat(aws_lambda_layer_version.extension[*].arn, var.extension_layer_arns)",
            "  layers = var.extension_layer_arns",
            Check.EXTENSIONS, "var.extension_layer_zip (variables.tf): no function's code reads it (nor aws_lambda_layer_version.extension"),
        Arguments.of("azure/function_app.tf", "  depends_on = [local_file.function_package]\n", "",
            Check.EXTENSIONS, "local_file.function_package is built from [var.extension_jars] but is not part of its code (zip_deploy_file)"),
        Arguments.of("gcp/package.tf", "\"lib/syncline-extension-${i + 1}.jar\" => p", "\"syncline-extension-${i + 1}.jar\" => p",
            Check.EXTENSIONS, "google_cloudfunctions2_function.ingress (functions.tf): the extension jars do not go to lib/"),
        Arguments.of("azure/function_app.tf", "    SYNCLINE_SCHEMAS              = var.schemas\n", "",
            Check.ENVIRONMENT, "azurerm_linux_function_app.this (function_app.tf): the AZURE functions read SYNCLINE_SCHEMAS but it is not set"),
        Arguments.of("gcp/locals.tf", "SYNCLINE_SUBSCRIBERS          = join(\",\", [for name, url in var.subscribers : \"${name}=${url}\"])",
            "SYNCLINE_SUBSCRIBERS          = \"\"",
            Check.EXTENSIONS, "google_cloudfunctions2_function.drain (functions.tf): SYNCLINE_SUBSCRIBERS does not read var.subscribers"),
        Arguments.of("gcp/outputs.tf",
            "value       = \"https://${var.region}-${var.project_id}.cloudfunctions.net/${local.ingress_name}\"",
            "value       = google_cloudfunctions2_function.ingress.url",
            Check.REFERENCES, "dependency cycle"));
  }

  @ParameterizedTest(name = "{0}: {4}")
  @MethodSource("mutations")
  void aOneLineMistake_inARealModule_isFound(String file, String from, String to, Check check, String expected, @TempDir Path copy)
      throws IOException {
    copyModules(Validators.INFRA, copy);
    Path target = copy.resolve(file);
    String text = Files.readString(target);
    assertThat(text).as("the line to change is still in " + file).contains(from);
    Files.writeString(target, text.replace(from, to));

    List<String> findings = Validators.shared().validate(copy).stream()
        .filter(f -> f.check() == check).map(Finding::toString).toList();

    assertThat(findings).anyMatch(f -> f.contains(expected));
  }

  private static void copyModules(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      files.filter(p -> p.toString().endsWith(".tf"))
          .filter(p -> from.relativize(p).getNameCount() > 1 && !NOT_MODULES.contains(from.relativize(p).getName(0).toString()))
          .forEach(p -> {
            Path dest = to.resolve(from.relativize(p).toString());
            try {
              Files.createDirectories(dest.getParent());
              Files.copy(p, dest);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}

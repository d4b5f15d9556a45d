package dev.syncline.infra;

/** The structural checks run on every Terraform module (see the infra-terraform README). */
public enum Check {
  /** Every {@code var.}, {@code local.}, {@code module.}, data and resource reference resolves, without a cycle. */
  REFERENCES("references"),
  /** Every handler, entry point and function name exists in the built function packages. */
  PACKAGES("packages"),
  /** The {@code SYNCLINE_*} variables set are exactly those the deployed functions read. */
  ENVIRONMENT("environment"),
  /** Every trigger has a retry policy and a dead-letter destination; every one of those an alarm. */
  TRIGGERS("triggers"),
  /** No secret value in plain text. */
  SECRETS("secrets"),
  /** Terraform and every provider are pinned to one version. */
  PINS("pins"),
  /** Variables have a type, a description and a validation, and are used; outputs are described. */
  INTERFACE("interface"),
  /** IAM grants name their actions and resources (no wildcards, no managed policies). */
  IAM("iam"),
  /** The extension inputs reach every function: its jars beside the package, its settings in the environment. */
  EXTENSIONS("extensions");

  final String label;

  Check(String label) {
    this.label = label;
  }
}

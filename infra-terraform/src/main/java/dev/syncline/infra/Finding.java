package dev.syncline.infra;

/**
 * One thing a check found wrong.
 *
 * @param check the check's name, one of {@link Check}
 * @param where the module directory and the block, e.g. {@code aws: aws_lambda_function.intent}
 * @param message what is wrong and what to do about it
 */
public record Finding(Check check, String where, String message) {

  @Override
  public String toString() {
    return "[" + check.label + "] " + where + ": " + message;
  }
}

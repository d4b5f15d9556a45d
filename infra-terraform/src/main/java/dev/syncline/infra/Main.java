package dev.syncline.infra;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs the checks on one folder and prints the findings; exits 1 if there are any.
 *
 * <p>Usage: {@code Main <folder> <hcl2json dir> <aws jar> <azure app dir> <gcp deploy dir>}. The
 * build runs the same checks as tests; this is for checking a copy or a work in progress.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (args.length != 5) {
      System.err.println("usage: Main <folder> <hcl2json dir> <aws jar> <azure app dir> <gcp deploy dir>");
      System.exit(2);
    }
    Validator validator = new Validator(
        new TfParser(Path.of(args[1])),
        new FunctionPackages(Path.of(args[2]), Path.of(args[3]), Path.of(args[4])));
    List<Finding> findings = validator.validate(Path.of(args[0]));
    findings.forEach(System.out::println);
    System.out.println(findings.isEmpty() ? "no findings" : findings.size() + " findings");
    System.exit(findings.isEmpty() ? 0 : 1);
  }
}

package dev.syncline.infra;

import java.nio.file.Path;

/** The validator as the build configures it: the parser and packages named by system properties. */
final class Validators {

  static final Path INFRA = Path.of(System.getProperty("syncline.infra.dir", "."));

  private static Validator shared;

  private Validators() {}

  static synchronized Validator shared() {
    if (shared == null) {
      shared = new Validator(
          new TfParser(INFRA.resolve("hcl2json")),
          new FunctionPackages(
              Path.of(System.getProperty("syncline.aws.package")),
              Path.of(System.getProperty("syncline.azure.package")),
              Path.of(System.getProperty("syncline.gcp.package"))));
    }
    return shared;
  }
}

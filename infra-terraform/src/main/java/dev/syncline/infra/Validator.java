package dev.syncline.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every {@link Check} on every module under a folder. Terraform itself is not needed: the
 * files are parsed with {@code @cdktf/hcl2json} and the function packages are read as built.
 */
public final class Validator {

  /** One check over one module; it adds what it finds. */
  interface ModuleCheck {
    void check(TfTree tree, TfModule module, List<Finding> findings);
  }

  private final TfParser parser;
  private final List<ModuleCheck> checks;

  public Validator(TfParser parser, FunctionPackages packages) {
    this.parser = parser;
    this.checks = List.of(
        new ReferenceCheck(),
        new PackageCheck(packages),
        new EnvironmentCheck(packages),
        new TriggerCheck(),
        new SecretCheck(),
        new PinCheck(),
        new InterfaceCheck(),
        new IamCheck(),
        new ExtensionCheck());
  }

  /** Every finding, module by module; none means the tree passes. */
  public List<Finding> validate(Path root) {
    TfTree tree = TfTree.load(root, parser);
    List<Finding> findings = new ArrayList<>();
    for (TfModule m : tree.modules.values()) {
      for (ModuleCheck c : checks) {
        c.check(tree, m, findings);
      }
    }
    return findings;
  }
}

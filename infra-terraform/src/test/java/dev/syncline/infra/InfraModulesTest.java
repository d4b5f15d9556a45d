package dev.syncline.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The modules in this folder pass every check, and each is documented. */
class InfraModulesTest {

  private static final List<String> MODULES = List.of("aws", "azure", "gcp", "examples/three-clouds");

  @Test
  void everyModule_passesEveryCheck() {
    List<Finding> findings = Validators.shared().validate(Validators.INFRA);

    assertThat(findings).extracting(Finding::toString).isEmpty();
  }

  @Test
  void everyModule_hasTerraformFilesAndAReadmeWithApplySteps() throws IOException {
    for (String module : MODULES) {
      Path dir = Validators.INFRA.resolve(module);
      try (var files = Files.list(dir)) {
        assertThat(files.filter(f -> f.toString().endsWith(".tf"))).as(module).isNotEmpty();
      }
      assertThat(Files.readString(dir.resolve("README.md"))).as(module + "/README.md").contains("terraform apply");
    }
  }
}

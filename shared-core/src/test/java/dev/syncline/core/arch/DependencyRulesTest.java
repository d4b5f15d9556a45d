package dev.syncline.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the core provider-neutral and its layers apart (STYLE: buckpal's DependencyRuleTests). */
class DependencyRulesTest {

  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.syncline.core");

  @Test
  void core_usesNoCloudSdkOrFunctionRuntime() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "software.amazon..", "com.amazonaws..", "com.azure..", "com.microsoft.azure..",
            "com.google.cloud..", "com.google.api..", "io.grpc..")
        .check(CORE);
  }

  @Test
  void crdtModel_dependsOnNoPortsAdaptersOrTransport() {
    noClasses()
        .that()
        .resideInAPackage("dev.syncline.core.crdt..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.syncline.core.port..", "dev.syncline.core.memory..", "dev.syncline.core.http..",
            "dev.syncline.core.outbox..", "io.cloudevents..", "java.net.http..")
        .check(CORE);
  }

  @Test
  void ports_dependOnNoAdapters() {
    noClasses()
        .that()
        .resideInAPackage("dev.syncline.core.port..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.syncline.core.memory..", "dev.syncline.core.http..")
        .check(CORE);
  }

  @Test
  void jsonMappers_areMadeOnlyByTheOneConfiguredPlace() {
    // DESIGN 5.8: every read keeps decimals exact and refuses duplicate keys; a default mapper would not.
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.syncline.core.json..")
        .should()
        .callConstructor(com.fasterxml.jackson.databind.ObjectMapper.class)
        .orShould()
        .callMethod(com.fasterxml.jackson.databind.json.JsonMapper.class, "builder")
        .check(CORE);
  }

  @Test
  void coreLogic_neverReadsTheSystemClock() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.syncline.core.clock..")
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .check(CORE);
  }
}

package dev.syncline.core.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.SynclineException;
import dev.syncline.core.crdt.EntitySchema;
import dev.syncline.core.crdt.FieldType;
import dev.syncline.core.crdt.Schemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaDocumentTest {

  private static final ClassLoader LOADER = SchemaDocumentTest.class.getClassLoader();

  @Test
  void aDocument_declaresEachEntitysFieldsAndTypes() {
    Schemas schemas = SchemaDocument.parse(
        "{\"user\": {\"email\": \"register\", \"logins\": \"counter\"}, \"team\": {\"members\": \"set\"}}", "doc");

    assertThat(schemas.declared()).containsOnlyKeys("team", "user");
    assertThat(schemas.declared().get("user").fields())
        .containsEntry("email", FieldType.REGISTER).containsEntry("logins", FieldType.COUNTER).hasSize(2);
    assertThat(schemas.declared().get("team").fields()).containsExactlyEntriesOf(java.util.Map.of("members", FieldType.SET));
  }

  @Test
  void aClasspathSetting_readsTheResource() {
    Schemas schemas = SchemaDocument.read("classpath:/extension/shop-schemas.json", LOADER);

    assertThat(schemas.declared().get("product").fields()).containsEntry("stock", FieldType.COUNTER).hasSize(4);
  }

  @Test
  void aMissingClasspathResource_isNamed() {
    assertThatThrownBy(() -> SchemaDocument.read("classpath:/extension/nowhere.json", LOADER))
        .isInstanceOf(SynclineException.class)
        .hasMessage("SYNCLINE_SCHEMAS: no resource extension/nowhere.json on the class path");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "an unknown type    | {\"user\": {\"logins\": \"countr\"}}  | doc: entity 'user', field 'logins': unknown type 'countr'; use register, counter or set",
      "a type not a string| {\"user\": {\"logins\": 1}}          | doc: entity 'user', field 'logins': the type must be a string: register, counter or set",
      "a bad field name   | {\"user\": {\"1st\": \"register\"}}   | doc: entity 'user', field '1st': field name must match [A-Za-z_][A-Za-z0-9_-]{0,63}",
      "a bad entity name  | {\"User\": {\"email\": \"register\"}} | doc: entity 'User': entity must match [a-z][a-z0-9_-]{0,62}",
      "an entity, no fields| {\"user\": {}}                      | doc: entity 'user' must be a non-empty object of fields, such as {\"email\": \"register\"}",
      "an entity not an object| {\"user\": [\"email\"]}            | doc: entity 'user' must be a non-empty object of fields, such as {\"email\": \"register\"}",
      "not an object      | [\"user\"]                           | doc must be a JSON object of entities, such as {\"user\": {\"email\": \"register\"}}",
  })
  void aBadDocument_failsWithAMessageThatNamesTheEntityAndField(String what, String json, String message) {
    assertThatThrownBy(() -> SchemaDocument.parse(json, "doc"))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.CONFIGURATION))
        .hasMessage(message);
  }

  @Test
  void aDuplicateField_orBadJson_isRefused() {
    assertThatThrownBy(() -> SchemaDocument.parse("{\"user\": {\"email\": \"register\", \"email\": \"set\"}}", "doc"))
        .isInstanceOf(SynclineException.class).hasMessage("doc is not valid JSON: an object has a duplicate key");
    assertThatThrownBy(() -> SchemaDocument.parse("{\"user\": ", "doc"))
        .isInstanceOf(SynclineException.class).hasMessageContaining("doc is not valid JSON");
  }

  @Test
  void theFingerprint_dependsOnTheSchemas_notOnTheirOrder() {
    Schemas a = SchemaDocument.parse("{\"user\": {\"email\": \"register\", \"logins\": \"counter\"}, \"team\": {\"m\": \"set\"}}", "a");
    Schemas b = SchemaDocument.parse("{\"team\": {\"m\": \"set\"}, \"user\": {\"logins\": \"counter\", \"email\": \"register\"}}", "b");
    Schemas other = SchemaDocument.parse("{\"team\": {\"m\": \"set\"}, \"user\": {\"logins\": \"register\", \"email\": \"register\"}}", "c");

    assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).hasSize(16).isNotEqualTo(other.fingerprint());
    assertThat(Schemas.inferred().fingerprint()).isNotEqualTo(a.fingerprint());
    assertThat(Schemas.of(EntitySchema.of("team").set("m")).plus(Schemas.of(EntitySchema.of("user").register("email").counter("logins"))).fingerprint())
        .isEqualTo(a.fingerprint());
  }
}

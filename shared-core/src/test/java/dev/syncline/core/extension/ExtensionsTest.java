package dev.syncline.core.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.crdt.Conflict;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.FieldType;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionsTest {

  @TempDir Path dir;

  /** A class loader whose service file lists {@code classes}, as an extension jar's would. */
  private ClassLoader withServices(Class<?>... classes) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    StringBuilder lines = new StringBuilder("# one class per line\n");
    for (Class<?> c : classes) {
      lines.append(c.getName()).append('\n');
    }
    Files.writeString(services.resolve(SynclineExtension.class.getName()), lines);
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
  }

  @Test
  void noExtension_runsWithTheSchemaDocumentAlone() throws IOException {
    Extensions found = Extensions.load(Optional.of("{\"user\": {\"email\": \"register\"}}"), withServices());

    assertThat(found.name()).isEqualTo("none");
    assertThat(found.schemas().declared()).containsOnlyKeys("user");
    assertThat(found.conflictHandler()).isSameAs(ConflictHandler.KEEP_SIBLINGS);
    assertThat(found.listeners()).isEmpty();
  }

  @Test
  void oneExtension_contributesItsSchemasHandlerAndListeners_besideTheDocuments() throws IOException {
    Extensions found = Extensions.load(Optional.of("classpath:/extension/shop-schemas.json"), withServices(TestExtensions.Shop.class));

    assertThat(found.name()).isEqualTo(TestExtensions.Shop.class.getName());
    assertThat(found.schemas().declared()).containsOnlyKeys("order", "product");
    assertThat(found.schemas().declared().get("order").fields()).containsEntry("items", FieldType.COUNTER);
    Conflict conflict = new Conflict(new RecordKey("order", "1"), "status",
        List.of(JsonValue.ofString("paid"), JsonValue.ofString("shipped")), "aws-us-east-1");
    assertThat(found.conflictHandler().resolve(conflict)).containsExactly(new Op.Set("status", JsonValue.ofString("shipped")));
  }

  @Test
  void twoExtensions_areAClearError_namingBoth() throws IOException {
    ClassLoader two = withServices(TestExtensions.Shop.class, TestExtensions.Audit.class);

    assertThatThrownBy(() -> Extensions.load(Optional.empty(), two))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.CONFIGURATION))
        .hasMessageStartingWith("2 Syncline extensions are on the class path: " + TestExtensions.Shop.class.getName() + " (")
        .hasMessageContaining(TestExtensions.Audit.class.getName())
        .hasMessageEndingWith("a function runs at most one: merge them into one extension, or remove all but one jar");
  }

  @Test
  void anExtensionThatThrowsAtStartUp_failsWithItsClassAndItsMessage() throws IOException {
    ClassLoader broken = withServices(TestExtensions.Broken.class);

    assertThatThrownBy(() -> Extensions.load(Optional.empty(), broken))
        .isInstanceOf(SynclineException.class)
        .hasMessageStartingWith("extension " + TestExtensions.Broken.class.getName() + " (")
        .hasMessageEndingWith("failed to start: IllegalStateException: AUDIT_URL is not set");
  }

  @Test
  void anEntityDeclaredByTheExtensionAndTheDocument_isRefused() throws IOException {
    ClassLoader overlapping = withServices(TestExtensions.Overlapping.class);

    assertThatThrownBy(() -> Extensions.load(Optional.of("classpath:/extension/shop-schemas.json"), overlapping))
        .isInstanceOf(SynclineException.class)
        .hasMessage("extension " + TestExtensions.Overlapping.class.getName() + ": entity 'product' has two schemas"
            + " (declare each entity once, in SYNCLINE_SCHEMAS or in the extension)");
  }

  @Test
  void anExtensionThatReturnsNull_isRefused() {
    SynclineExtension nulls = new SynclineExtension() {
      @Override
      public List<ChangeListener> listeners() {
        return null;
      }
    };

    assertThatThrownBy(() -> Extensions.of(nulls, dev.syncline.core.crdt.Schemas.inferred()))
        .isInstanceOf(SynclineException.class)
        .hasMessageEndingWith("returned null from schemas(), conflictHandler() or listeners()");
  }
}

package dev.syncline.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.crdt.FieldType;
import dev.syncline.core.extension.Extensions;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShopExtensionTest {

  @Test
  void theFunctionsFindIt_throughItsServiceFile() {
    // WHEN the functions look for an extension on a class path that holds this jar's classes
    Extensions found = Extensions.load(Optional.empty(), ShopExtensionTest.class.getClassLoader());

    // THEN they find this one, with its schema, conflict handler and listener
    assertThat(found.name()).isEqualTo(ShopExtension.class.getName());
    assertThat(found.conflictHandler()).isInstanceOf(LowestPriceWins.class);
    assertThat(found.listeners()).singleElement().isInstanceOf(ChangeLogListener.class);
    assertThat(new ShopExtension().schemas()).singleElement().satisfies(product -> {
      assertThat(product.entity()).isEqualTo("product");
      assertThat(product.fields()).containsEntry("name", FieldType.REGISTER).containsEntry("price", FieldType.REGISTER)
          .containsEntry("stock", FieldType.COUNTER).containsEntry("tags", FieldType.SET);
    });
  }
}

package dev.syncline.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.Conflict;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LowestPriceWinsTest {

  private final LowestPriceWins handler = new LowestPriceWins();

  @Test
  void resolve_setsTheLowestPrice_whateverTheOrderOfTheValues() {
    // GIVEN three concurrent prices, in every order a replica might list them
    List<JsonValue> prices = new ArrayList<>(List.of(json("12.50"), json("9.99"), json("10")));
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(prices, random);
      // WHEN the conflict is resolved
      List<Op> ops = handler.resolve(conflict("product", "price", prices));
      // THEN it sets the lowest, always the same bytes
      assertThat(ops).containsExactly(new Op.Set("price", json("9.99")));
    }
  }

  @Test
  void resolve_comparesExactDecimals_andBreaksTiesByJsonText() {
    assertThat(handler.resolve(conflict("product", "price", List.of(json("19.990000000000000000001"), json("19.99")))))
        .containsExactly(new Op.Set("price", json("19.99")));
    assertThat(handler.resolve(conflict("product", "price", List.of(json("10.0"), json("10")))))
        .containsExactly(new Op.Set("price", json("10")));
    assertThat(handler.resolve(conflict("product", "price", List.of(json("10"), json("10.0")))))
        .containsExactly(new Op.Set("price", json("10")));
  }

  @Test
  void resolve_prefersANumberToAnythingElse() {
    assertThat(handler.resolve(conflict("product", "price", List.of(json("\"free\""), json("null"), json("1000")))))
        .containsExactly(new Op.Set("price", json("1000")));
  }

  @Test
  void resolve_leavesOtherConflictsVisible() {
    assertThat(handler.resolve(conflict("product", "name", List.of(json("\"Mug\""), json("\"Cup\""))))).isEmpty();
    assertThat(handler.resolve(conflict("order", "price", List.of(json("1"), json("2"))))).isEmpty();
  }

  private static Conflict conflict(String entity, String field, List<JsonValue> values) {
    return new Conflict(new RecordKey(entity, "p-1"), field, values, "aws-us-east-1");
  }

  private static JsonValue json(String text) {
    return JsonValue.of(Json.parse(text, "test value"));
  }
}

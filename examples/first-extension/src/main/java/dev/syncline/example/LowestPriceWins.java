package dev.syncline.example;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.crdt.Conflict;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Resolves concurrent prices of a product to the lowest: the customer never pays more than one of
 * the writers asked. Other conflicts stay visible in the view.
 *
 * <p>It is deterministic, as every conflict handler must be: the choice depends only on the set of
 * values, never on their order, the replica that resolves, or the time. Every replica that sees the
 * conflict writes the same value, so their writes agree and no new conflict appears. Prices compare
 * as exact decimals ({@code 19.99 < 19.990000000000000000001}); a value that is not a number loses
 * to any number; equal numbers ({@code 10} and {@code 10.0}) are told apart by their JSON text.
 */
public final class LowestPriceWins implements ConflictHandler {

  /** Numbers first, lowest first; then by canonical JSON text, which every replica shares. */
  private static final Comparator<JsonValue> PREFERENCE = Comparator
      .comparing((JsonValue v) -> number(v).isEmpty())
      .thenComparing(v -> number(v).orElse(BigDecimal.ZERO))
      .thenComparing(JsonValue::json);

  @Override
  public List<Op> resolve(Conflict conflict) {
    if (!conflict.key().entity().equals(ShopExtension.PRODUCT) || !conflict.field().equals("price")) {
      return List.of(); // leave it visible
    }
    return conflict.values().stream()
        .min(PREFERENCE)
        .<List<Op>>map(lowest -> List.of(new Op.Set("price", lowest)))
        .orElse(List.of());
  }

  private static Optional<BigDecimal> number(JsonValue value) {
    JsonNode node = value.toNode();
    return node.isNumber() ? Optional.of(node.decimalValue()) : Optional.empty();
  }
}

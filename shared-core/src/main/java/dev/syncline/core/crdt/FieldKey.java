package dev.syncline.core.crdt;

import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * A field is keyed by name and type, as in Riak DT maps, so that two replicas using one name
 * with two types never corrupt each other.
 */
public record FieldKey(String name, FieldType type) implements Comparable<FieldKey> {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
  private static final Comparator<FieldKey> ORDER =
      Comparator.comparing(FieldKey::name).thenComparing(FieldKey::type);

  public FieldKey {
    requireFieldName(name);
    if (type == null) {
      throw new IllegalArgumentException("field type is required");
    }
  }

  /** Validates a field name: {@code [A-Za-z_][A-Za-z0-9_-]{0,63}}. */
  public static String requireFieldName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("field name must match [A-Za-z_][A-Za-z0-9_-]{0,63}");
    }
    return name;
  }

  @Override
  public int compareTo(FieldKey other) {
    return ORDER.compare(this, other);
  }
}

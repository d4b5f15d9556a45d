package dev.syncline.core.crdt;

/**
 * A field is keyed by name and type, as in Riak DT maps, so that two replicas using one name
 * with two types never corrupt each other.
 */
public record FieldKey(String name, FieldType type) implements Comparable<FieldKey> {

  public FieldKey {
    requireFieldName(name);
    if (type == null) {
      throw new IllegalArgumentException("field type is required");
    }
  }

  /** Validates a field name: {@code [A-Za-z_][A-Za-z0-9_-]{0,63}}. */
  public static String requireFieldName(String name) {
    if (name == null || name.isEmpty() || name.length() > 64 || Character.isDigit(name.charAt(0))
        || name.charAt(0) == '-') {
      throw new IllegalArgumentException("field name must match [A-Za-z_][A-Za-z0-9_-]{0,63}");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        throw new IllegalArgumentException("field name must match [A-Za-z_][A-Za-z0-9_-]{0,63}");
      }
    }
    return name;
  }

  @Override
  public int compareTo(FieldKey other) {
    int byName = name.compareTo(other.name);
    return byName != 0 ? byName : type.compareTo(other.type);
  }
}

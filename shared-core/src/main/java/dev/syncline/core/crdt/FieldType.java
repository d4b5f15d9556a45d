package dev.syncline.core.crdt;

import java.util.Locale;

/** The CRDT a field is stored as (DESIGN section 3). */
public enum FieldType {
  /** Multi-value register: {@code set}, {@code unset}. */
  REGISTER,
  /** Causal counter: {@code incr}, {@code unset}. */
  COUNTER,
  /** Add-wins observed-remove set of JSON scalars: {@code add}, {@code remove}, {@code unset}. */
  SET;

  /** The lower-case name used in schemas, deltas and views. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name. @throws IllegalArgumentException for an unknown name */
  public static FieldType fromWireName(String name) {
    for (FieldType t : values()) {
      if (t.wireName().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown field type '" + name + "'");
  }
}

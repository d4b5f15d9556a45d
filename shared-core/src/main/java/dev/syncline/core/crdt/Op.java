package dev.syncline.core.crdt;

/** One operation of a write intent (DESIGN section 4). Validated on construction. */
public sealed interface Op {

  /** The field the op touches; {@code null} for {@link Delete}. */
  String field();

  /** Sets a register. */
  record Set(String field, JsonValue value) implements Op {
    public Set {
      FieldKey.requireFieldName(field);
      if (value == null) {
        throw new IllegalArgumentException("set needs a value");
      }
    }
  }

  /** Removes what the writer has seen of a field (any type). */
  record Unset(String field) implements Op {
    public Unset {
      FieldKey.requireFieldName(field);
    }
  }

  /** Adds a signed 64-bit amount to a counter. */
  record Incr(String field, long by) implements Op {
    public Incr {
      FieldKey.requireFieldName(field);
    }
  }

  /** Adds a JSON scalar to a set. */
  record Add(String field, JsonValue value) implements Op {
    public Add {
      FieldKey.requireFieldName(field);
      requireSetElement(value);
    }
  }

  /** Removes the observed adds of a JSON scalar from a set. */
  record Remove(String field, JsonValue value) implements Op {
    public Remove {
      FieldKey.requireFieldName(field);
      requireSetElement(value);
    }
  }

  /** Removes what the writer has seen of every field of the record. */
  record Delete() implements Op {
    @Override
    public String field() {
      return null;
    }
  }

  private static void requireSetElement(JsonValue value) {
    if (value == null || !value.isScalar() || "null".equals(value.json())) {
      throw new IllegalArgumentException("set elements must be JSON strings, numbers or booleans");
    }
  }
}

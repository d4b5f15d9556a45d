package dev.syncline.core.crdt;

import dev.syncline.core.RecordKey;
import java.util.List;
import java.util.SortedMap;

/**
 * What a record shows (DESIGN section 6): each field's winning value, the fields with concurrent
 * siblings or clashing types under {@code conflicts} (winner first), and the version vector.
 */
public record RecordView(
    RecordKey key,
    boolean exists,
    SortedMap<String, JsonValue> fields,
    SortedMap<String, List<JsonValue>> conflicts,
    SortedMap<String, Long> version) {}

package dev.syncline.core.contract;

import dev.syncline.core.RecordKey;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.memory.InMemoryRecordStore;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Every record of an in-memory store, encoded: to check that a refused request changed nothing. */
public record StoreSnapshot(Map<RecordKey, byte[]> records) {

  public static StoreSnapshot of(InMemoryRecordStore store) {
    Map<RecordKey, byte[]> out = new TreeMap<>();
    for (RecordKey key : store.keys()) {
      store.load(key).ifPresent(v -> out.put(key, StoredRecordCodec.encode(v.record())));
    }
    return new StoreSnapshot(out);
  }

  /** True if both hold the same records, byte for byte. */
  public boolean sameAs(StoreSnapshot other) {
    if (!records.keySet().equals(other.records.keySet())) {
      return false;
    }
    for (Map.Entry<RecordKey, byte[]> e : records.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.records.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}

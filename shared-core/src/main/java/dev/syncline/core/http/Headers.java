package dev.syncline.core.http;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** HTTP header maps whose lookups ignore case, as HTTP field names do (RFC 9110, 5.1). */
final class Headers {

  private Headers() {}

  /** An unmodifiable copy with case-insensitive keys; null names or values are dropped. */
  static SortedMap<String, String> caseInsensitive(Map<String, String> headers) {
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach((name, value) -> {
        if (name != null && value != null) {
          copy.putIfAbsent(name, value);
        }
      });
    }
    return Collections.unmodifiableSortedMap(copy);
  }
}

package dev.syncline.core.port;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The intents a record remembers as applied, by dedupe key, with when they were applied: those
 * this replica applied ({@code local}, written in the same conditional write as their effect) and
 * those its peers applied and sent along with their changes ({@code fromPeers}, so that an app
 * retrying an intent on another cloud after a failover finds it a duplicate once the origin's
 * change has arrived).
 *
 * @param local dedupe key to applied-at millis, for intents applied here
 * @param fromPeers dedupe key to applied-at millis (the origin's clock), for intents applied by
 *     a peer; at most {@link #KEPT_FROM_PEERS}, the newest
 */
public record AppliedIntents(SortedMap<String, Long> local, SortedMap<String, Long> fromPeers) {

  public static final AppliedIntents EMPTY =
      new AppliedIntents(Collections.emptySortedMap(), Collections.emptySortedMap());

  /** The most intent keys from peers a record keeps: the newest, by when they were applied. */
  public static final int KEPT_FROM_PEERS = 128;

  public AppliedIntents {
    local = Collections.unmodifiableSortedMap(new TreeMap<>(local));
    fromPeers = Collections.unmodifiableSortedMap(new TreeMap<>(fromPeers));
  }

  /** Only intents applied here. */
  public static AppliedIntents of(SortedMap<String, Long> local) {
    return new AppliedIntents(local, Collections.emptySortedMap());
  }

  /** True if the intent was applied here or, as far as this record knows, by a peer. */
  public boolean contains(String dedupeKey) {
    return local.containsKey(dedupeKey) || fromPeers.containsKey(dedupeKey);
  }

  /**
   * These intents plus those a peer's change carried, keys applied before {@code horizonMillis}
   * dropped, and the peers' kept to the newest {@value #KEPT_FROM_PEERS}.
   */
  public AppliedIntents withFromPeers(Map<String, Long> more, long horizonMillis) {
    TreeMap<String, Long> peers = new TreeMap<>();
    fromPeers.forEach((k, at) -> {
      if (at > horizonMillis) {
        peers.put(k, at);
      }
    });
    more.forEach((k, at) -> {
      if (at > horizonMillis && !local.containsKey(k)) {
        peers.merge(k, at, Math::max);
      }
    });
    return new AppliedIntents(local, newest(peers, KEPT_FROM_PEERS));
  }

  /** The {@code keep} entries applied last (ties by key), or all if fewer. */
  static SortedMap<String, Long> newest(SortedMap<String, Long> intents, int keep) {
    if (intents.size() <= keep) {
      return intents;
    }
    List<Map.Entry<String, Long>> byAge = new ArrayList<>(intents.entrySet());
    byAge.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    TreeMap<String, Long> out = new TreeMap<>();
    byAge.subList(0, keep).forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}

package dev.syncline.core.sim;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the applications were told, kept apart from the replicas: the simulator's independent
 * model of every audited record. It is built only from what was written and what each
 * acknowledgement said (applied, duplicate, dead-lettered), and from the barriers at which every
 * replica had seen everything, so that destructive ops (a reset, a remove, a delete) have one
 * outcome whatever the timing. The verdict compares each replica's view with it.
 */
final class SimModel {

  /** One logical intent: where it went and what each delivery's acknowledgement said. */
  static final class Intent {
    final String id;
    final String record;
    final String origin;
    final BigInteger increment;
    final String tag;
    final String last;
    /** Node to every outcome its bus or ingress acknowledged. */
    final Map<String, Set<String>> acknowledged = new TreeMap<>();
    int epoch;

    Intent(String id, String record, String origin, BigInteger increment, String tag, String last) {
      this.id = id;
      this.record = record;
      this.origin = origin;
      this.increment = increment;
      this.tag = tag;
      this.last = last;
    }

    /**
     * How many times the intent took effect: once at its origin if any delivery there was
     * acknowledged as applied or as a duplicate (after a crash between the write and the
     * acknowledgement, a redelivery finds it applied), and once more at every other node that
     * applied a failover retry of it. A refusal is not remembered: a redelivery is judged again
     * against the record as it is then, so an intent refused for the record's size or the
     * counter's range may apply on a later delivery.
     */
    int applications() {
      int n = 0;
      for (Map.Entry<String, Set<String>> e : acknowledged.entrySet()) {
        Set<String> outcomes = e.getValue();
        if (outcomes.contains("APPLIED") || (outcomes.contains("DUPLICATE") && e.getKey().equals(origin))) {
          n++;
        }
      }
      return n;
    }
  }

  /** What one audited record must show. */
  static final class Expected {
    BigInteger balance = BigInteger.ZERO;
    final Set<String> log = new TreeSet<>();
    final Set<String> lastCandidates = new TreeSet<>();
    boolean lastMayBeAbsent = true;
  }

  final Map<String, Intent> intents = new LinkedHashMap<>();
  /** Per audited record, how many barrier cuts it has had: intents added now belong to that epoch. */
  private final Map<String, Integer> epochOf = new TreeMap<>();

  Intent add(Intent intent) {
    intent.epoch = epochOf.getOrDefault(intent.record, 0);
    intents.put(intent.id, intent);
    return intent;
  }

  void acknowledged(String intentId, String node, String outcome) {
    Intent i = intents.get(intentId);
    if (i != null) {
      i.acknowledged.computeIfAbsent(node, k -> new TreeSet<>()).add(outcome);
    }
  }

  /** A barrier op on an audited record: what it does to the expectation, applied in order. */
  enum BarrierOp { RESET_BALANCE, REMOVE_SOME_TAGS, DELETE, UNSET_LAST }

  /** Records that, at a barrier, {@code op} was applied to {@code record}, removing {@code tags} for a remove. */
  void barrier(String record, BarrierOp op, Set<String> tags) {
    int epoch = epochOf.merge(record, 1, Integer::sum);
    cuts.add(new Cut(record, epoch, op, Set.copyOf(tags)));
  }

  private record Cut(String record, int epoch, BarrierOp op, Set<String> tags) {}

  private final List<Cut> cuts = new ArrayList<>();

  /** The expectation for every audited record, replaying intents and barrier cuts epoch by epoch. */
  Map<String, Expected> expected() {
    Map<String, Expected> out = new TreeMap<>();
    for (Intent i : intents.values()) {
      out.computeIfAbsent(i.record, r -> new Expected());
    }
    for (Cut c : cuts) {
      out.computeIfAbsent(c.record, r -> new Expected());
    }
    for (Map.Entry<String, Expected> e : out.entrySet()) {
      String record = e.getKey();
      Expected x = e.getValue();
      int maxEpoch = 0;
      for (Cut c : cuts) {
        if (c.record.equals(record)) {
          maxEpoch = Math.max(maxEpoch, c.epoch);
        }
      }
      for (int epoch = 0; epoch <= maxEpoch; epoch++) {
        for (Intent i : intents.values()) {
          if (i.record.equals(record) && i.epoch == epoch) {
            int n = i.applications();
            if (n > 0) {
              x.balance = x.balance.add(i.increment.multiply(BigInteger.valueOf(n)));
              if (i.tag != null) {
                x.log.add(i.tag);
              }
              if (i.last != null) {
                x.lastCandidates.add(i.last);
                x.lastMayBeAbsent = false;
              }
            }
          }
        }
        for (Cut c : cuts) {
          if (c.record.equals(record) && c.epoch == epoch + 1) {
            switch (c.op) {
              case RESET_BALANCE -> x.balance = BigInteger.ZERO;
              case REMOVE_SOME_TAGS -> x.log.removeAll(c.tags);
              case UNSET_LAST -> {
                x.lastCandidates.clear();
                x.lastMayBeAbsent = true;
              }
              case DELETE -> {
                x.balance = BigInteger.ZERO;
                x.log.clear();
                x.lastCandidates.clear();
                x.lastMayBeAbsent = true;
              }
            }
          }
        }
      }
    }
    return out;
  }
}

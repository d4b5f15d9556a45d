package dev.syncline.core;

import dev.syncline.core.crdt.Dot;
import dev.syncline.core.crdt.Schemas;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.Subscriber;
import java.time.Duration;
import java.util.List;

/**
 * How one replica runs.
 *
 * @param replicaId this replica, {@code [a-z0-9-]{1,40}}
 * @param peers every other replica, each reached at its HTTPS ingress
 * @param subscribers webhooks that receive this replica's change feed
 * @param schemas entity schemas shared by all replicas
 * @param dedupeTtl how long an applied intent is remembered (in the dedupe store and in the
 *     record); at least the bus's redelivery window: 24 h for EventBridge and Event Grid, 7 days
 *     for Pub/Sub (the default)
 * @param lease how long an in-progress claim blocks a concurrent duplicate
 * @param maxSkew how far ahead of local time a remote HLC may be before it counts as skew
 * @param maxWriteAttempts conditional-write races retried on fresh state before giving up
 */
public record ReplicaConfig(
    String replicaId,
    List<Peer> peers,
    List<Subscriber> subscribers,
    Schemas schemas,
    Duration dedupeTtl,
    Duration lease,
    Duration maxSkew,
    int maxWriteAttempts) {

  public ReplicaConfig {
    Dot.requireReplicaId(replicaId);
    peers = List.copyOf(peers);
    for (Peer p : peers) {
      if (p.replica().equals(replicaId)) {
        throw new IllegalArgumentException("a replica cannot be its own peer");
      }
    }
    if (peers.stream().map(Peer::replica).distinct().count() != peers.size()) {
      throw new IllegalArgumentException("peer replica ids must be distinct");
    }
    if (peers.size() + 1 > Limits.MAX_REPLICAS) {
      throw new IllegalArgumentException("a deployment has at most " + Limits.MAX_REPLICAS + " replicas, so "
          + (Limits.MAX_REPLICAS - 1) + " peers; " + peers.size() + " are configured (the record size limit is chosen so"
          + " that the merged writes of " + Limits.MAX_REPLICAS + " replicas fit DynamoDB's 400 KB item)");
    }
    subscribers = List.copyOf(subscribers);
    if (subscribers.size() > Limits.MAX_SUBSCRIBERS) {
      throw new IllegalArgumentException("a replica has at most " + Limits.MAX_SUBSCRIBERS + " subscribers; "
          + subscribers.size() + " are configured");
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    names.add(replicaId);
    peers.forEach(p -> names.add(p.replica()));
    for (Subscriber s : subscribers) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("subscriber " + s.name() + " has the name of a replica or another subscriber;"
            + " a subscriber's signing secret is found by its name, so names must be distinct");
      }
    }
    if (dedupeTtl.isNegative() || dedupeTtl.isZero() || lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("dedupe TTL and lease must be positive");
    }
    if (maxWriteAttempts < 1) {
      throw new IllegalArgumentException("maxWriteAttempts must be at least 1");
    }
  }

  /** Defaults: inferred schemas, 7-day dedupe TTL, 2-minute lease, 5-minute skew, 16 attempts. */
  public static ReplicaConfig of(String replicaId, List<Peer> peers) {
    return new ReplicaConfig(
        replicaId, peers, List.of(), Schemas.inferred(), Duration.ofDays(7), Duration.ofMinutes(2),
        Duration.ofMinutes(5), 16);
  }

  public ReplicaConfig withSchemas(Schemas next) {
    return new ReplicaConfig(replicaId, peers, subscribers, next, dedupeTtl, lease, maxSkew, maxWriteAttempts);
  }

  public ReplicaConfig withSubscribers(List<Subscriber> next) {
    return new ReplicaConfig(replicaId, peers, next, schemas, dedupeTtl, lease, maxSkew, maxWriteAttempts);
  }
}

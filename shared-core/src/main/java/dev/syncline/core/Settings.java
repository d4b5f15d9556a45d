package dev.syncline.core;

import dev.syncline.core.repair.AntiEntropy;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.Subscriber;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsing of the settings every cloud's functions share ({@code SYNCLINE_*} environment
 * variables or app settings). Bad values fail with a CONFIGURATION error naming the setting.
 */
public final class Settings {

  private Settings() {}

  /**
   * The settings every cloud's functions share, parsed once here; each cloud's config adds only
   * its store coordinates (and, on AWS, where the secrets are kept).
   *
   * @param replicaId {@code SYNCLINE_REPLICA_ID}
   * @param peers {@code SYNCLINE_PEERS}: {@code replica=https://url} pairs
   * @param secrets {@code SYNCLINE_SECRETS} ({@link #signingSecrets}), if set; AWS may read them
   *     from Secrets Manager instead
   * @param allowPlainHttpToLoopback {@code SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK}: {@code true} lets
   *     peers be {@code http://127.0.0.1:...}, for tests only
   * @param retry {@code SYNCLINE_OUTBOX_RETRY_BASE} and {@code _CAP} ({@link #backoff})
   * @param antiEntropy {@code SYNCLINE_ANTI_ENTROPY_PERIOD} and {@code _REPAIRS} ({@link #antiEntropy})
   * @param schemas {@code SYNCLINE_SCHEMAS}: a schema document or {@code classpath:/...}, read
   *     when the replica is built ({@code SchemaDocument})
   * @param subscribers {@code SYNCLINE_SUBSCRIBERS}: {@code name=https://url} pairs, webhooks that
   *     receive the change feed; each signs with the {@code name=whsec_...} entry of the secrets
   */
  public record Common(
      String replicaId,
      List<Peer> peers,
      Optional<SigningSecrets> secrets,
      boolean allowPlainHttpToLoopback,
      Backoff retry,
      AntiEntropy.Settings antiEntropy,
      Optional<String> schemas,
      List<Subscriber> subscribers) {

    public Common {
      peers = List.copyOf(peers);
      subscribers = List.copyOf(subscribers);
    }
  }

  /**
   * Reads the shared settings.
   *
   * @throws SynclineException CONFIGURATION naming the setting at fault
   */
  public static Common common(Map<String, String> env) {
    return new Common(
        required(env, "SYNCLINE_REPLICA_ID"),
        peers(env.getOrDefault("SYNCLINE_PEERS", "")),
        optional(env, "SYNCLINE_SECRETS").map(Settings::signingSecrets),
        Boolean.parseBoolean(env.getOrDefault("SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "false")),
        backoff(env),
        antiEntropy(env),
        optional(env, "SYNCLINE_SCHEMAS"),
        subscribers(env.getOrDefault("SYNCLINE_SUBSCRIBERS", "")));
  }

  /** {@code SYNCLINE_SUBSCRIBERS}: {@code name=https://url} pairs, comma separated. */
  public static List<Subscriber> subscribers(String value) {
    List<Subscriber> out = new ArrayList<>();
    for (String pair : list(value)) {
      int eq = pair.indexOf('=');
      if (eq < 1) {
        throw SynclineException.configuration("SYNCLINE_SUBSCRIBERS entries must be name=https://url");
      }
      try {
        out.add(new Subscriber(pair.substring(0, eq), URI.create(pair.substring(eq + 1))));
      } catch (IllegalArgumentException e) {
        throw SynclineException.configuration("SYNCLINE_SUBSCRIBERS: " + e.getMessage());
      }
    }
    return out;
  }

  /** A required setting. */
  public static String required(Map<String, String> env, String name) {
    return optional(env, name).orElseThrow(() -> SynclineException.configuration(name + " is required"));
  }

  /** A setting that may be absent or blank. */
  public static Optional<String> optional(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** A list separated by commas or white space, such as signing secrets. */
  public static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split("[,\\s]+")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  /** {@code SYNCLINE_PEERS}: {@code replica=https://url} pairs, comma separated. */
  public static List<Peer> peers(String value) {
    List<Peer> out = new ArrayList<>();
    for (String pair : list(value)) {
      int eq = pair.indexOf('=');
      if (eq < 1) {
        throw SynclineException.configuration("SYNCLINE_PEERS entries must be replica=https://url");
      }
      try {
        out.add(new Peer(pair.substring(0, eq), URI.create(pair.substring(eq + 1))));
      } catch (IllegalArgumentException e) {
        throw SynclineException.configuration("SYNCLINE_PEERS: " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * {@code SYNCLINE_SECRETS}: the signing secrets of DESIGN section 6, comma or white space
   * separated. An entry {@code whsec_...} is one of this replica's own secrets, which its ingress
   * verifies with (the current one first; several during a rotation). An entry {@code
   * replica=whsec_...} is that peer's current secret, which this replica signs what it sends the
   * peer with. (A replica id has no underscore, so the two never look alike.)
   *
   * @throws SynclineException CONFIGURATION if there is no own secret, an entry is neither, or a
   *     peer appears twice; the message never contains a secret
   */
  public static SigningSecrets signingSecrets(String value) {
    List<String> inbound = new ArrayList<>();
    Map<String, String> peers = new java.util.TreeMap<>();
    for (String entry : list(value == null ? "" : value)) {
      if (entry.startsWith("whsec_")) {
        inbound.add(entry);
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq < 1 || !entry.startsWith("whsec_", eq + 1)) {
        throw SynclineException.configuration("SYNCLINE_SECRETS entries must be whsec_... or replica=whsec_...");
      }
      if (peers.put(entry.substring(0, eq), entry.substring(eq + 1)) != null) {
        throw SynclineException.configuration("SYNCLINE_SECRETS names peer " + entry.substring(0, eq) + " twice");
      }
    }
    if (inbound.isEmpty()) {
      throw SynclineException.configuration("SYNCLINE_SECRETS holds none of this replica's own secrets (whsec_...)");
    }
    return new SigningSecrets(inbound, peers);
  }

  /**
   * The outbox's retry backoff: {@code SYNCLINE_OUTBOX_RETRY_BASE} and {@code
   * SYNCLINE_OUTBOX_RETRY_CAP}, ISO-8601 durations such as {@code PT1S} and {@code PT60S}; each
   * defaults to {@link Backoff#standard()}'s value.
   */
  public static Backoff backoff(Map<String, String> env) {
    Backoff standard = Backoff.standard();
    Duration base = duration(env, "SYNCLINE_OUTBOX_RETRY_BASE", standard.base());
    Duration cap = duration(env, "SYNCLINE_OUTBOX_RETRY_CAP", standard.cap());
    try {
      return new Backoff(base, cap);
    } catch (IllegalArgumentException e) {
      throw SynclineException.configuration(
          "SYNCLINE_OUTBOX_RETRY_BASE and SYNCLINE_OUTBOX_RETRY_CAP need 0 < base <= cap, got " + base + " and " + cap);
    }
  }

  /**
   * How anti-entropy paces itself: {@code SYNCLINE_ANTI_ENTROPY_PERIOD} (ISO-8601, how often the
   * scheduled round runs, which picks each round's window of buckets; default PT1M) and {@code
   * SYNCLINE_ANTI_ENTROPY_REPAIRS} (records repaired per peer per round; default 100). The rest is
   * {@link AntiEntropy.Settings#standard()}.
   */
  public static AntiEntropy.Settings antiEntropy(Map<String, String> env) {
    AntiEntropy.Settings standard = AntiEntropy.Settings.standard();
    Duration period = duration(env, "SYNCLINE_ANTI_ENTROPY_PERIOD", standard.roundPeriod());
    int repairs = standard.repairsPerRound();
    Optional<String> v = optional(env, "SYNCLINE_ANTI_ENTROPY_REPAIRS");
    if (v.isPresent()) {
      try {
        repairs = Integer.parseInt(v.get());
      } catch (NumberFormatException e) {
        repairs = -1;
      }
      if (repairs < 1 || repairs > 10_000) {
        throw SynclineException.configuration("SYNCLINE_ANTI_ENTROPY_REPAIRS must be a whole number from 1 to 10000, got " + v.get());
      }
    }
    try {
      return new AntiEntropy.Settings(standard.bucketsPerRound(), repairs, period, standard.maxAnswerPairs(),
          standard.readRepairTimeout());
    } catch (IllegalArgumentException e) {
      throw SynclineException.configuration("SYNCLINE_ANTI_ENTROPY_PERIOD must be positive, got " + period);
    }
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    Optional<String> v = optional(env, name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return Duration.parse(v.get());
    } catch (DateTimeParseException e) {
      throw SynclineException.configuration(name + " must be an ISO-8601 duration such as PT1S, got " + v.get());
    }
  }
}

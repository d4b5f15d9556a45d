package dev.syncline.core.repair;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.ApplyOutcome;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.event.IntentParser;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.http.HttpPeerClient;
import dev.syncline.core.http.HttpResponse;
import dev.syncline.core.http.Problem;
import dev.syncline.core.json.Json;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.Metrics;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.StoredDeadLetter;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operator's view of the dead letters, and their replay (docs/anti-entropy.md): a letter is
 * replayed as what it was, an intent through the engine (exactly once, so a replay after a
 * success is a duplicate) and a change to the peer it was meant for (a join, so a replay after
 * anti-entropy healed the record is a duplicate). Letters are kept after a replay.
 */
public final class DeadLetterReplay {

  /** The most letters listed, or replayed by reason, at once. */
  public static final int MAX_LETTERS = 100;

  private final SyncEngine engine;
  private final OutboxDrain drain;
  private final DeadLetterSink letters;
  private final HttpPeerClient client;
  private final Map<String, Peer> peers;
  private final Clock clock;
  private final Metrics metrics;

  public DeadLetterReplay(
      SyncEngine engine, OutboxDrain drain, DeadLetterSink letters, HttpPeerClient client, Clock clock, Metrics metrics) {
    this.engine = engine;
    this.drain = drain;
    this.letters = letters;
    this.client = client;
    this.peers = engine.config().peers().stream().collect(Collectors.toMap(Peer::replica, Function.identity()));
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * The letters grouped by reason: {@code {"groups":[{"reason":..,"kind":..,"count":n,"letters":
   * [{"id":..,"subject":..,"eventId":..,"peer":..,"at":millis}]}],"truncated":false}}; a group per
   * reason and kind, the largest first; at most {@value #MAX_LETTERS} letters.
   */
  public byte[] list() {
    List<StoredDeadLetter> all = letters.list(MAX_LETTERS + 1);
    boolean truncated = all.size() > MAX_LETTERS;
    Map<String, List<StoredDeadLetter>> groups = new TreeMap<>();
    for (StoredDeadLetter l : all.subList(0, Math.min(all.size(), MAX_LETTERS))) {
      groups.computeIfAbsent(l.letter().kind() + "\n" + l.letter().reason(), k -> new ArrayList<>()).add(l);
    }
    List<List<StoredDeadLetter>> bySize = new ArrayList<>(groups.values());
    bySize.sort((a, b) -> b.size() - a.size());
    return Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("groups");
      for (List<StoredDeadLetter> group : bySize) {
        DeadLetter first = group.get(0).letter();
        g.writeStartObject();
        g.writeStringField("reason", first.reason());
        g.writeStringField("kind", first.kind().name());
        g.writeNumberField("count", group.size());
        g.writeArrayFieldStart("letters");
        for (StoredDeadLetter l : group) {
          g.writeStartObject();
          g.writeStringField("id", l.id());
          g.writeStringField("subject", l.letter().subject());
          g.writeStringField("eventId", l.letter().eventId());
          g.writeStringField("peer", l.letter().peer());
          g.writeNumberField("at", l.atMillis());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeBooleanField("truncated", truncated);
      g.writeEndObject();
    });
  }

  /**
   * Replays the letter {@code {"id":..}}, or every letter whose reason is {@code {"reason":..}}
   * (up to {@value #MAX_LETTERS}), and answers {@code {"replayed":[{"id":..,"outcome":..,
   * "detail":..}]}}. Outcomes: {@code applied}, {@code duplicate}, {@code refused} (it still cannot
   * apply, or the peer still refuses it: fix the cause first), {@code failed} (try again later).
   *
   * <p>An intent is recognized as a duplicate only within the dedupe TTL of its first
   * application, and a letter is kept after its replay, so an intent letter older than the TTL is
   * refused unless the request says {@code "force":true}: by then a replay that succeeded once
   * could apply again. A change is a join and always safe to replay.
   *
   * @return empty if no letter has that id or reason
   * @throws SynclineException MALFORMED if the request names neither an id nor a reason
   */
  public Optional<byte[]> replay(byte[] request) {
    JsonNode root = Json.parse(request, "replay request");
    boolean force = root.path("force").asBoolean(false);
    List<StoredDeadLetter> chosen;
    if (root.path("id").isTextual() && !root.has("reason")) {
      chosen = letters.get(root.get("id").asText()).map(List::of).orElse(List.of());
    } else if (root.path("reason").isTextual() && !root.has("id")) {
      String reason = root.get("reason").asText();
      chosen = letters.list(MAX_LETTERS).stream().filter(l -> l.letter().reason().equals(reason)).toList();
    } else {
      throw SynclineException.malformed("name the letter to replay by \"id\", or a group by \"reason\", not both");
    }
    if (chosen.isEmpty()) {
      return Optional.empty();
    }
    List<String[]> results = new ArrayList<>();
    for (StoredDeadLetter l : chosen) {
      String[] outcome = replay(l, force);
      metrics.replayed();
      results.add(new String[] {l.id(), outcome[0], outcome[1]});
    }
    return Optional.of(Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("replayed");
      for (String[] r : results) {
        g.writeStartObject();
        g.writeStringField("id", r[0]);
        g.writeStringField("outcome", r[1]);
        g.writeStringField("detail", r[2]);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }));
  }

  /** One letter replayed: its outcome and a detail (null if none). */
  private String[] replay(StoredDeadLetter stored, boolean force) {
    DeadLetter letter = stored.letter();
    long ttl = engine.config().dedupeTtl().toMillis();
    if (letter.kind() == DeadLetter.Kind.INTENT && !force && clock.millis() - stored.atMillis() > ttl) {
      return new String[] {"refused", "dead-lettered more than " + engine.config().dedupeTtl() + " ago, past the dedupe"
          + " window: if a replay of it ever succeeded, it would apply again; send \"force\":true to replay it anyway"};
    }
    try {
      return letter.kind() == DeadLetter.Kind.INTENT ? replayIntent(letter) : replayChange(letter);
    } catch (SynclineException e) {
      return new String[] {e.isTransient() ? "failed" : "refused", e.getMessage()};
    }
  }

  private String[] replayIntent(DeadLetter letter) {
    WriteIntent intent = IntentParser.parse(IntentParser.readStructured(letter.payload()));
    ApplyOutcome outcome = engine.applyIntent(intent);
    if (outcome instanceof ApplyOutcome.Rejected rejected) {
      return new String[] {"refused", rejected.reason()};
    }
    if (outcome instanceof ApplyOutcome.InProgress) {
      return new String[] {"failed", "the same intent is being applied; replay later"};
    }
    if (outcome instanceof ApplyOutcome.Applied) {
      try {
        drain.drain(intent.key());
      } catch (SynclineException e) {
        // The scheduled drain forwards it.
      }
    }
    return new String[] {outcome.outcome(), null};
  }

  private String[] replayChange(DeadLetter letter) {
    if (letter.peer() != null && dev.syncline.core.port.Subscriber.isOutboxKey(letter.peer())) {
      return new String[] {"refused", "a subscriber's feed events are not replayed: the record's next change sends"
          + " its view again"};
    }
    Peer peer = letter.peer() == null ? null : peers.get(letter.peer());
    if (peer == null) {
      return new String[] {"refused", letter.peer() == null
          ? "the letter does not name the peer it was meant for"
          : "peer " + letter.peer() + " is no longer configured"};
    }
    CloudEvent change = Json.readCloudEvent(letter.payload());
    HttpResponse answer;
    try {
      answer = client.sendChange(peer, change);
    } catch (IOException e) {
      return new String[] {"failed", peer.replica() + " did not answer: " + e.getMessage()};
    }
    if (answer.status() == 200) {
      String outcome = Json.parse(answer.body(), "answer").path("outcome").asText("applied");
      return new String[] {outcome, null};
    }
    String title = Problem.titleOf(answer.body()).orElse("HTTP " + answer.status());
    boolean refused = answer.status() == 400 || answer.status() == 413 || answer.status() == 415;
    return new String[] {refused ? "refused" : "failed", peer.replica() + " answered " + answer.status() + ": " + title};
  }
}

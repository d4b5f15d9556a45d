package dev.syncline.core.extension;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.ApplyOutcome;
import dev.syncline.core.RecordKey;
import dev.syncline.core.ReplicaConfig;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.crdt.Causality;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.event.ChangeEvents.RemoteChange;
import dev.syncline.core.event.IntentParser;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChangeListenerTest {

  private static final String AWS = "aws-us-east-1";
  private static final String GCP = "gcp-us-east4";
  private static final RecordKey USER = new RecordKey("user", "42");

  private final AtomicLong time = new AtomicLong(1_764_158_400_000L);
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final List<RecordChange> seen = new ArrayList<>();

  private SyncEngine engine(String id, List<ChangeListener> listeners) {
    return SyncEngine.builder(ReplicaConfig.of(id, List.of()), new InMemoryRecordStore(), new InMemoryDedupeStore(),
            new HybridLogicalClock(time::get, 300_000))
        .metrics(metrics)
        .listeners(listeners)
        .build();
  }

  private static WriteIntent intent(String id, String ops) {
    return IntentParser.parseStructured(Samples.intentJson("/apps/test", id, USER.subject(), ops));
  }

  @Test
  void aLocalIntent_isSeenOnce_withBothViewsItsFieldsAndThisReplicaAsOrigin() {
    SyncEngine aws = engine(AWS, List.of(seen::add));
    aws.applyIntent(intent("i-1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"ada@example.com\"}]"));
    aws.applyIntent(intent("i-2", "[{\"op\":\"set\",\"field\":\"phone\",\"value\":\"+1\"},{\"op\":\"incr\",\"field\":\"logins\",\"by\":2}]"));
    aws.applyIntent(intent("i-2", "[{\"op\":\"set\",\"field\":\"phone\",\"value\":\"+1\"},{\"op\":\"incr\",\"field\":\"logins\",\"by\":2}]"));

    assertThat(seen).hasSize(2); // the redelivered i-2 is a duplicate: no call
    RecordChange first = seen.get(0);
    assertThat(first.before().exists()).isFalse();
    assertThat(first.after().fields()).containsEntry("email", JsonValue.ofString("ada@example.com"));
    assertThat(first.changedFields()).containsExactly("email");
    assertThat(first.origin()).isEqualTo(AWS);
    assertThat(first.causality()).isEqualTo(Causality.AFTER);
    RecordChange second = seen.get(1);
    assertThat(second.before()).isEqualTo(first.after());
    assertThat(second.changedFields()).containsExactly("logins", "phone");
    assertThat(second.isLocal(AWS)).isTrue();
  }

  @Test
  void aRemoteChange_isSeenWithThePeerAsOrigin_andAgainNotWhenItIsRedelivered() {
    SyncEngine aws = engine(AWS, List.of());
    ApplyOutcome.Applied written = (ApplyOutcome.Applied) aws.applyIntent(
        intent("i-1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"ada@example.com\"}]"));
    SyncEngine gcp = engine(GCP, List.of(seen::add));
    RemoteChange change = new RemoteChange(AWS, USER, "c-1", time.get(), written.delta());

    gcp.applyChange(change);
    gcp.applyChange(change);

    assertThat(seen).singleElement().satisfies(c -> {
      assertThat(c.origin()).isEqualTo(AWS);
      assertThat(c.isLocal(GCP)).isFalse();
      assertThat(c.changedFields()).containsExactly("email");
      assertThat(c.causality()).isEqualTo(Causality.AFTER);
    });
  }

  @Test
  void aListenerThatThrows_isCountedAndLogged_andTheNextListenerAndTheWriteStand() {
    SyncEngine aws = engine(AWS, List.of(change -> {
      throw new IllegalStateException("audit log is down");
    }, seen::add));

    ApplyOutcome outcome = aws.applyIntent(intent("i-1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]"));

    assertThat(outcome).isInstanceOf(ApplyOutcome.Applied.class);
    assertThat(seen).hasSize(1);
    assertThat(metrics.listenerFailures.get()).isEqualTo(1);
    assertThat(aws.view(USER).orElseThrow().fields()).containsEntry("email", JsonValue.ofString("a@b"));
  }

  @Test
  void aListenerMissingAClass_isIsolatedToo() {
    SyncEngine aws = engine(AWS, List.of(change -> {
      throw new NoClassDefFoundError("com/example/AuditClient");
    }, seen::add));

    ApplyOutcome outcome = aws.applyIntent(intent("i-1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]"));

    assertThat(outcome).isInstanceOf(ApplyOutcome.Applied.class);
    assertThat(seen).hasSize(1);
    assertThat(metrics.listenerFailures.get()).isEqualTo(1);
  }

  @Test
  void anIntentThatChangesNothing_callsNoListener() {
    SyncEngine aws = engine(AWS, List.of(seen::add));

    aws.applyIntent(intent("i-1", "[{\"op\":\"unset\",\"field\":\"email\"}]"));

    assertThat(seen).isEmpty();
  }
}

package dev.syncline.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.crdt.Causality;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLineMetricsTest {

  private static final LogLineMetrics.LineFormat PLAIN =
      (replica, signal, value, at) -> replica + " " + signal.metricName() + " " + value + " " + signal.unit() + " @" + at;

  private final AtomicLong time = new AtomicLong(1_764_158_400_000L);
  private final List<String> lines = new ArrayList<>();
  private final LogLineMetrics metrics = new LogLineMetrics("aws-us-east-1", PLAIN, lines::add, time::get);

  @Test
  void signals_keepTheNamesAndUnitsThatAlarmsDependOn() {
    assertThat(Arrays.stream(Signal.values()).map(s -> s.metricName() + "/" + s.unit())).containsExactly(
        "IntentsApplied/Count", "Duplicates/Count", "Conflicts/Count", "ChangesMerged/Count",
        "ReplicationLag/Milliseconds", "ClockSkews/Count", "OutboxPending/Count", "OutboxAge/Milliseconds",
        "DeadLetters/Count", "Repaired/Count", "AntiEntropyExchanges/Count", "Replayed/Count",
        "ListenerFailures/Count", "SchemaMismatch/Count", "FeedPending/Count", "FeedAge/Milliseconds");
  }

  @Test
  void everySignal_isOneLine_withTheReplicaAndTheClocksTime() {
    metrics.intentApplied();
    metrics.duplicate();
    metrics.conflict();
    metrics.clockSkew();
    time.addAndGet(5);
    metrics.outboxDepth(12);
    metrics.outboxAge(61_000);
    metrics.deadLettered();
    metrics.repaired();
    metrics.antiEntropyExchange();
    metrics.replayed();
    metrics.listenerFailed();
    metrics.schemaMismatch();
    metrics.feedPending(3);
    metrics.feedAge(250);

    assertThat(lines).containsExactly(
        "aws-us-east-1 IntentsApplied 1 Count @1764158400000",
        "aws-us-east-1 Duplicates 1 Count @1764158400000",
        "aws-us-east-1 Conflicts 1 Count @1764158400000",
        "aws-us-east-1 ClockSkews 1 Count @1764158400000",
        "aws-us-east-1 OutboxPending 12 Count @1764158400005",
        "aws-us-east-1 OutboxAge 61000 Milliseconds @1764158400005",
        "aws-us-east-1 DeadLetters 1 Count @1764158400005",
        "aws-us-east-1 Repaired 1 Count @1764158400005",
        "aws-us-east-1 AntiEntropyExchanges 1 Count @1764158400005",
        "aws-us-east-1 Replayed 1 Count @1764158400005",
        "aws-us-east-1 ListenerFailures 1 Count @1764158400005",
        "aws-us-east-1 SchemaMismatch 1 Count @1764158400005",
        "aws-us-east-1 FeedPending 3 Count @1764158400005",
        "aws-us-east-1 FeedAge 250 Milliseconds @1764158400005");
  }

  @Test
  void changeMerged_isCountedAndItsLagRecorded_onTwoLines() {
    metrics.changeMerged(Causality.CONCURRENT, 42);

    assertThat(lines).containsExactly(
        "aws-us-east-1 ChangesMerged 1 Count @1764158400000",
        "aws-us-east-1 ReplicationLag 42 Milliseconds @1764158400000");
  }

  @Test
  void aReplicaIdOutsideTheDesignsAlphabet_isRefused() {
    assertThatThrownBy(() -> new LogLineMetrics("aws\"}\n{", PLAIN, lines::add, time::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LogLineMetrics("", PLAIN, lines::add, time::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

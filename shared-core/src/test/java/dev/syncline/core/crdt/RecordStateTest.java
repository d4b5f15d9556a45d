package dev.syncline.core.crdt;

import static dev.syncline.core.crdt.Replicas.str;
import static dev.syncline.core.crdt.Replicas.viewJson;
import static dev.syncline.core.crdt.Replicas.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Hlc;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordStateTest {

  private static final String AWS = "aws-us-east-1";
  private static final String GCP = "gcp-us-east4";
  private static final String AZURE = "azure-eastus";

  @Test
  void join_keepsBothFields_whenConcurrentWritesTouchDifferentFields() {
    // GIVEN both replicas start from the same record
    RecordState base = write(RecordState.EMPTY, AWS, 1000, new Op.Set("name", str("Ada"))).state();
    // WHEN AWS sets email while GCP sets phone, concurrently
    RecordState.Mutation email = write(base, AWS, 2000, new Op.Set("email", str("ada@example.com")));
    RecordState.Mutation phone = write(base, GCP, 2000, new Op.Set("phone", str("+1-202-555-0143")));
    // THEN after exchanging deltas both replicas hold both fields, without a conflict
    RecordState atAws = email.state().join(phone.delta());
    RecordState atGcp = phone.state().join(email.delta());
    assertThat(atAws).isEqualTo(atGcp);
    assertThat(viewJson(atAws))
        .isEqualTo(
            "{\"entity\":\"user\",\"id\":\"42\",\"exists\":true,\"fields\":{\"email\":\"ada@example.com\","
                + "\"name\":\"Ada\",\"phone\":\"+1-202-555-0143\"},\"version\":{\"aws-us-east-1\":2,\"gcp-us-east4\":1}}");
  }

  @Test
  void join_keepsSiblingsAndShowsHighestHlc_whenSameFieldIsWrittenConcurrently() {
    RecordState.Mutation a = write(RecordState.EMPTY, AWS, 5000, new Op.Set("email", str("a@aws")));
    RecordState.Mutation g = write(RecordState.EMPTY, GCP, 4000, new Op.Set("email", str("g@gcp")));

    RecordState merged = a.state().join(g.delta());

    assertThat(merged).isEqualTo(g.state().join(a.delta()));
    RecordView view = merged.view(Replicas.KEY);
    assertThat(view.fields().get("email")).isEqualTo(str("a@aws"));
    assertThat(view.conflicts().get("email")).containsExactly(str("a@aws"), str("g@gcp"));
  }

  @Test
  void view_breaksHlcTiesByReplicaId() {
    RecordState.Mutation a = write(RecordState.EMPTY, AWS, 5000, new Op.Set("email", str("a@aws")));
    RecordState.Mutation g = write(RecordState.EMPTY, GCP, 5000, new Op.Set("email", str("g@gcp")));

    RecordView view = a.state().join(g.delta()).view(Replicas.KEY);

    assertThat(view.fields().get("email")).isEqualTo(str("g@gcp"));
  }

  @Test
  void write_supersedesSiblings_itHasSeen() {
    RecordState.Mutation a = write(RecordState.EMPTY, AWS, 5000, new Op.Set("email", str("a@aws")));
    RecordState.Mutation g = write(RecordState.EMPTY, GCP, 4000, new Op.Set("email", str("g@gcp")));
    RecordState conflicted = a.state().join(g.delta());

    RecordState.Mutation resolved = write(conflicted, AZURE, 6000, new Op.Set("email", str("final@x")));

    // A replica that still holds only one sibling converges once it gets the resolution.
    RecordState atGcp = g.state().join(resolved.delta());
    assertThat(resolved.state().view(Replicas.KEY).conflicts()).isEmpty();
    assertThat(atGcp.join(a.delta()).view(Replicas.KEY)).isEqualTo(resolved.state().view(Replicas.KEY));
  }

  @Test
  void counter_sumsEveryIncrementOnce_acrossReplicasAndDuplicates() {
    RecordState.Mutation a1 = write(RecordState.EMPTY, AWS, 1, new Op.Incr("logins", 2));
    RecordState.Mutation a2 = write(a1.state(), AWS, 2, new Op.Incr("logins", 3));
    RecordState.Mutation g1 = write(RecordState.EMPTY, GCP, 1, new Op.Incr("logins", -1));

    RecordState merged =
        g1.state().join(a2.delta()).join(a1.delta()).join(a2.delta()).join(g1.delta());

    assertThat(merged.view(Replicas.KEY).fields().get("logins")).isEqualTo(JsonValue.ofLong(4));
  }

  @Test
  void counterUnset_resetsWhatItsWriterSaw_andKeepsConcurrentIncrements() {
    RecordState.Mutation a1 = write(RecordState.EMPTY, AWS, 1, new Op.Incr("logins", 10));
    RecordState atGcp = a1.state();
    // GCP resets what it saw (10) while AWS concurrently adds 5
    RecordState.Mutation reset = write(atGcp, GCP, 2, new Op.Unset("logins"));
    RecordState.Mutation a2 = write(a1.state(), AWS, 2, new Op.Incr("logins", 5));

    RecordState atAws = a2.state().join(reset.delta());
    RecordState gcpMerged = reset.state().join(a2.delta());

    assertThat(atAws).isEqualTo(gcpMerged);
    assertThat(atAws.view(Replicas.KEY).fields().get("logins")).isEqualTo(JsonValue.ofLong(5));
    assertThat(reset.state().view(Replicas.KEY).fields()).doesNotContainKey("logins");
  }

  @Test
  void set_addWins_overConcurrentRemove() {
    RecordState base = write(RecordState.EMPTY, AWS, 1, new Op.Add("tags", str("x"))).state();
    RecordState.Mutation remove = write(base, GCP, 2, new Op.Remove("tags", str("x")));
    RecordState.Mutation add = write(base, AWS, 2, new Op.Add("tags", str("x")));

    RecordState merged = remove.state().join(add.delta());

    assertThat(merged.view(Replicas.KEY).fields().get("tags").json()).isEqualTo("[\"x\"]");
    assertThat(remove.state().view(Replicas.KEY).fields()).doesNotContainKey("tags");
  }

  @Test
  void set_showsElementsSorted() {
    RecordState s =
        write(RecordState.EMPTY, AWS, 1, new Op.Add("tags", str("b")), new Op.Add("tags", str("a")),
                new Op.Add("tags", JsonValue.ofLong(3)))
            .state();

    assertThat(s.view(Replicas.KEY).fields().get("tags").json()).isEqualTo("[\"a\",\"b\",3]");
  }

  @Test
  void delete_removesWhatItSaw_andKeepsConcurrentUnseenWrites() {
    RecordState base =
        write(RecordState.EMPTY, AWS, 1, new Op.Set("email", str("a@b")), new Op.Incr("logins", 3)).state();
    RecordState.Mutation delete = write(base, GCP, 2, new Op.Delete());
    RecordState.Mutation update = write(base, AWS, 2, new Op.Set("phone", str("555")));

    RecordState merged = delete.state().join(update.delta());

    assertThat(delete.state().view(Replicas.KEY).exists()).isFalse();
    RecordView view = merged.view(Replicas.KEY);
    assertThat(view.exists()).isTrue();
    assertThat(view.fields()).containsOnlyKeys("phone");
    assertThat(merged).isEqualTo(update.state().join(delete.delta()));
  }

  @Test
  void view_showsNewestType_andReportsTheClash_whenOneNameHasTwoTypes() {
    RecordState.Mutation asRegister = write(RecordState.EMPTY, AWS, 1000, new Op.Set("score", str("high")));
    RecordState.Mutation asCounter = write(RecordState.EMPTY, GCP, 2000, new Op.Incr("score", 7));

    RecordState merged = asRegister.state().join(asCounter.delta());

    RecordView view = merged.view(Replicas.KEY);
    assertThat(view.fields().get("score")).isEqualTo(JsonValue.ofLong(7));
    assertThat(view.conflicts().get("score")).containsExactly(JsonValue.ofLong(7), str("high"));
  }

  @Test
  void apply_rejectsOpsThatDoNotFitADeclaredSchema() {
    Schemas schemas = Schemas.of(EntitySchema.of("user").register("email").counter("logins"));

    assertThatThrownBy(
            () -> RecordState.EMPTY.apply("user", List.of(new Op.Incr("email", 1)), AWS, new Hlc(1, 0), schemas))
        .isInstanceOfSatisfying(
            SynclineException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(SynclineException.Kind.SCHEMA_VIOLATION);
              assertThat(e.getMessage()).contains("'email'").contains("register").contains("counter");
            });
    assertThatThrownBy(
            () -> RecordState.EMPTY.apply("user", List.of(new Op.Set("nickname", str("x"))), AWS, new Hlc(1, 0), schemas))
        .hasMessageContaining("not declared");
  }

  @Test
  void counter_showsTheExactSum_whenConcurrentIncrementsExceed64Bits() {
    RecordState.Mutation a = write(RecordState.EMPTY, AWS, 1, new Op.Incr("n", Long.MAX_VALUE));
    RecordState.Mutation g = write(RecordState.EMPTY, GCP, 1, new Op.Incr("n", 1));

    RecordState merged = a.state().join(g.delta());

    assertThat(merged.view(Replicas.KEY).fields().get("n").json()).isEqualTo("9223372036854775808");
  }

  @Test
  void apply_rejectsAnIncrementThatWouldTakeTheValuePast64Bits() {
    RecordState s = write(RecordState.EMPTY, AWS, 1, new Op.Incr("n", Long.MAX_VALUE)).state();

    assertThatThrownBy(() -> write(s, AWS, 2, new Op.Incr("n", 1)))
        .isInstanceOf(SynclineException.class)
        .hasMessageContaining("signed 64-bit range");
    assertThatThrownBy(() -> write(RecordState.EMPTY, AWS, 1, new Op.Incr("n", Long.MIN_VALUE), new Op.Incr("n", -1)))
        .isInstanceOf(SynclineException.class);
  }

  @Test
  void counter_survivesAResetAtThe64BitEdge() {
    // GIVEN a counter driven to 2^63-1 and reset
    RecordState s = write(RecordState.EMPTY, AWS, 1, new Op.Incr("n", Long.MAX_VALUE)).state();
    s = write(s, AWS, 2, new Op.Unset("n")).state();
    // WHEN it is incremented again, twice to the edge
    RecordState once = write(s, AWS, 3, new Op.Incr("n", 1)).state();
    RecordState atEdge = write(once, AWS, 4, new Op.Incr("n", Long.MAX_VALUE - 1)).state();
    RecordState reset = write(atEdge, AWS, 5, new Op.Unset("n")).state();
    RecordState again = write(reset, AWS, 6, new Op.Incr("n", -7)).state();
    // THEN the view shows exactly what was counted since each reset
    assertThat(viewJson(once)).contains("\"n\":1");
    assertThat(viewJson(atEdge)).contains("\"n\":" + Long.MAX_VALUE);
    assertThat(viewJson(again)).contains("\"n\":-7");
  }

  @Test
  void counter_concurrentIncrementsBeyond64Bits_areStillExact() {
    // GIVEN two replicas each counting up to 2^63-1 unaware of the other
    RecordState aws = write(RecordState.EMPTY, AWS, 1, new Op.Incr("n", Long.MAX_VALUE)).state();
    RecordState gcp = write(RecordState.EMPTY, "gcp-us-east4", 1, new Op.Incr("n", Long.MAX_VALUE)).state();
    // WHEN they merge
    RecordState merged = aws.join(gcp);
    // THEN the value is their exact sum, beyond 64 bits, the same both ways
    assertThat(viewJson(merged)).contains("\"n\":18446744073709551614");
    assertThat(viewJson(gcp.join(aws))).isEqualTo(viewJson(merged));
  }

  @Test
  void apply_usesFreshDotsPerOp_andTheDeltaCarriesOnlyTheWrite() {
    RecordState base = write(RecordState.EMPTY, AWS, 1, new Op.Set("a", str("1")), new Op.Set("b", str("2"))).state();

    RecordState.Mutation m = write(base, AWS, 2, new Op.Set("a", str("3")));

    assertThat(base.context().max(AWS)).isEqualTo(2);
    assertThat(m.delta().fields()).containsOnlyKeys(new FieldKey("a", FieldType.REGISTER));
    assertThat(m.delta().context().contains(new Dot(AWS, 1))).isTrue();
    assertThat(m.delta().context().contains(new Dot(AWS, 2))).isFalse();
    assertThat(m.delta().context()).isEqualTo(CausalContext.of(Map.of(), List.of(new Dot(AWS, 1), new Dot(AWS, 3))));
  }
}

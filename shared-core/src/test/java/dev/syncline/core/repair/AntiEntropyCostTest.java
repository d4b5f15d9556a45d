package dev.syncline.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.RecordKey;
import dev.syncline.core.port.Versioned;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What anti-entropy costs, measured on three replicas wired as the clouds wire them, talking
 * through their signed ingresses in process: the bytes and bucket reads of a full cycle when
 * nothing differs, and how many rounds and bytes it takes to find and repair one record that does.
 * CI runs it with 1,000 records; {@code -Dsyncline.ae.records=10000} gives the figures for the
 * note. The store reads counted are the (key, digest) pairs the scans return: every store reads
 * those from an index or a single column, never a record's state.
 */
class AntiEntropyCostTest {

  private static final String AWS = "aws-us-east-1";
  private static final String AZURE = "azure-eastus";
  private static final String GCP = "gcp-us-east4";
  private static final int RECORDS = Integer.getInteger("syncline.ae.records", 1_000);

  private static long scanned(Mesh mesh, java.util.function.ToLongFunction<Mesh.Node> counter) {
    return mesh.nodes.values().stream().mapToLong(counter).sum();
  }

  @Test
  void aFullCycleWhenNothingDiffers_andTheRepairOfOneRecordThatDoes() {
    AntiEntropy.Settings settings = AntiEntropy.Settings.standard();
    Mesh mesh = new Mesh(settings, AWS, AZURE, GCP).fullyWired();
    List<String> origins = List.of(AWS, AZURE, GCP);
    for (int i = 0; i < RECORDS; i++) {
      mesh.node(origins.get(i % 3)).write("w" + i, "user/u" + i,
          "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"user" + i + "@example.com\"},{\"op\":\"incr\",\"field\":\"logins\",\"by\":1}]");
    }
    mesh.drainAll();
    assertThat(mesh.differing()).isEmpty();

    // A full cycle with nothing to repair: every replica compares every bucket with both peers.
    long bytesBefore = mesh.bytesOnWire.get();
    long pairsBefore = scanned(mesh, n -> n.pairsScanned.get());
    long pagesBefore = scanned(mesh, n -> n.pagesScanned.get());
    long loadsBefore = scanned(mesh, n -> n.loads.get());
    long started = System.nanoTime();
    AntiEntropy.Report steady = mesh.cycle();
    double steadyMillis = (System.nanoTime() - started) / 1e6;
    long steadyBytes = mesh.bytesOnWire.get() - bytesBefore;
    long pairsRead = scanned(mesh, n -> n.pairsScanned.get()) - pairsBefore;
    long pagesRead = scanned(mesh, n -> n.pagesScanned.get()) - pagesBefore;
    long loads = scanned(mesh, n -> n.loads.get()) - loadsBefore;
    assertThat(steady.repaired()).isZero();
    assertThat(steady.bucketsDiffering()).isZero();
    // Each replica reads its buckets once for its own rounds and once for each peer it answers,
    // and loads no record.
    assertThat(pairsRead).isEqualTo(3L * 3 * RECORDS);
    assertThat(loads).isZero();

    // One record diverges: its change to GCP is lost.
    RecordKey lost = new RecordKey("user", "u" + (RECORDS / 2));
    mesh.cut.add(AWS + ">" + GCP);
    mesh.node(AWS).write("diverge", lost.subject(), "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"new@example.com\"}]");
    Versioned v = mesh.node(AWS).records.load(lost).orElseThrow();
    TreeMap<String, dev.syncline.core.port.OutboxEntry> outbox = new TreeMap<>(v.record().outbox());
    outbox.remove(GCP);
    mesh.node(AWS).records.write(lost, v.record().withOutbox(outbox), v.version());
    mesh.cut.clear();
    mesh.drainAll();
    assertThat(mesh.differing()).containsExactly(lost.subject());

    // Rounds run in window order from bucket 0, as the schedule would, until the record heals.
    int rounds = 0;
    long repairBytes = 0;
    started = System.nanoTime();
    for (int first = 0; !mesh.differing().isEmpty(); first += settings.bucketsPerRound()) {
      rounds++;
      for (Mesh.Node n : mesh.nodes.values()) {
        repairBytes += n.replica.antiEntropy.round(first, settings.bucketsPerRound()).repairBytes();
      }
    }
    double repairMillis = (System.nanoTime() - started) / 1e6;
    int bucket = RecordDigest.bucket(lost);

    System.out.printf("anti-entropy cost, %d records on 3 replicas:%n", RECORDS);
    System.out.printf("  a full cycle when nothing differs: %d rounds per replica, %d exchanges, %d bytes on the wire"
            + " in all, %d (key, digest) pairs read from the stores in %d bucket pages (in all, over the three replicas),"
            + " no record loaded, %.0f ms of CPU in process%n",
        RecordDigest.BUCKETS / settings.bucketsPerRound(), steady.exchanges(), steadyBytes, pairsRead, pagesRead, steadyMillis);
    System.out.printf("  one divergent record (bucket %d): found and repaired in round %d of %d (at one round a minute,"
            + " %d min; the worst case is a whole cycle), %d bytes of states moved, %.0f ms of CPU in process%n",
        bucket, rounds, RecordDigest.BUCKETS / settings.bucketsPerRound(), rounds, repairBytes, repairMillis);

    assertThat(rounds).isEqualTo(bucket / settings.bucketsPerRound() + 1);
    assertThat(mesh.node(GCP).view(lost)).contains("new@example.com");
    // The record is pulled once and pushed once, by each side that found it: a few KB, not a bucket.
    assertThat(repairBytes).isLessThan(20_000);
  }
}

package dev.syncline.aws.dynamodb;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondarySortKey;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/**
 * One record as one DynamoDB item: its state, its outbox and its applied intents, each the
 * core's encoding, plus the version every write is conditional on. While the outbox is not empty
 * the item carries {@code owing = "1"} and {@code due} (earliest next attempt), the keys of the
 * sparse index {@value #DUE_INDEX} the drain queries. A record whose state is not empty also
 * carries its anti-entropy bucket {@code aeb} and the digest of its state {@code h} (16 bytes),
 * written in the same {@code PutItem}: the keys and the one projected attribute of the sparse
 * index {@value #ANTI_ENTROPY_INDEX} (partition {@code aeb}, sort {@code pk}) that
 * {@code scanBucket} queries.
 */
final class RecordItem {

  static final String DUE_INDEX = "outbox-due";
  static final String OWING = "1";
  static final String ANTI_ENTROPY_INDEX = "anti-entropy";

  static final TableSchema<RecordItem> SCHEMA =
      StaticTableSchema.builder(RecordItem.class)
          .newItemSupplier(RecordItem::new)
          .addAttribute(String.class, a -> a.name("pk").getter(RecordItem::pk).setter(RecordItem::pk)
              .tags(primaryPartitionKey(), secondarySortKey(ANTI_ENTROPY_INDEX)))
          .addAttribute(Long.class, a -> a.name("version").getter(RecordItem::version).setter(RecordItem::version))
          .addAttribute(SdkBytes.class, a -> a.name("state").getter(RecordItem::state).setter(RecordItem::state))
          .addAttribute(SdkBytes.class, a -> a.name("outbox").getter(RecordItem::outbox).setter(RecordItem::outbox))
          .addAttribute(SdkBytes.class, a -> a.name("applied").getter(RecordItem::applied).setter(RecordItem::applied))
          .addAttribute(String.class, a -> a.name("owing").getter(RecordItem::owing).setter(RecordItem::owing)
              .tags(secondaryPartitionKey(DUE_INDEX)))
          .addAttribute(Long.class, a -> a.name("due").getter(RecordItem::due).setter(RecordItem::due)
              .tags(secondarySortKey(DUE_INDEX)))
          .addAttribute(Integer.class, a -> a.name("aeb").getter(RecordItem::aeb).setter(RecordItem::aeb)
              .tags(secondaryPartitionKey(ANTI_ENTROPY_INDEX)))
          .addAttribute(SdkBytes.class, a -> a.name("h").getter(RecordItem::h).setter(RecordItem::h))
          .build();

  private String pk;
  private Long version;
  private SdkBytes state;
  private SdkBytes outbox;
  private SdkBytes applied;
  private String owing;
  private Long due;
  private Integer aeb;
  private SdkBytes h;

  String pk() {
    return pk;
  }

  void pk(String v) {
    pk = v;
  }

  Long version() {
    return version;
  }

  void version(Long v) {
    version = v;
  }

  SdkBytes state() {
    return state;
  }

  void state(SdkBytes v) {
    state = v;
  }

  SdkBytes outbox() {
    return outbox;
  }

  void outbox(SdkBytes v) {
    outbox = v;
  }

  SdkBytes applied() {
    return applied;
  }

  void applied(SdkBytes v) {
    applied = v;
  }

  String owing() {
    return owing;
  }

  void owing(String v) {
    owing = v;
  }

  Long due() {
    return due;
  }

  void due(Long v) {
    due = v;
  }

  Integer aeb() {
    return aeb;
  }

  void aeb(Integer v) {
    aeb = v;
  }

  SdkBytes h() {
    return h;
  }

  void h(SdkBytes v) {
    h = v;
  }
}

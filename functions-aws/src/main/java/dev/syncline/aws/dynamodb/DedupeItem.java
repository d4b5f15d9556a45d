package dev.syncline.aws.dynamodb;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;

import dev.syncline.core.port.DedupeEntry;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/**
 * One intent's {@link DedupeEntry} as an item: {@code pk}, {@code status}, {@code token} (absent
 * once completed), {@code leaseUntil}, {@code expiresAt}, and {@code expiresAt} in epoch seconds
 * as well, in {@code ttl}, the attribute DynamoDB TTL deletes by; the core judges {@code expiresAt}
 * itself, since TTL deletes late (and dynalite not at all).
 */
final class DedupeItem {

  static final TableSchema<DedupeItem> SCHEMA =
      StaticTableSchema.builder(DedupeItem.class)
          .newItemSupplier(DedupeItem::new)
          .addAttribute(String.class, a -> a.name("pk").getter(DedupeItem::pk).setter(DedupeItem::pk).tags(primaryPartitionKey()))
          .addAttribute(String.class, a -> a.name("status").getter(DedupeItem::status).setter(DedupeItem::status))
          .addAttribute(String.class, a -> a.name("token").getter(DedupeItem::token).setter(DedupeItem::token))
          .addAttribute(Long.class, a -> a.name("leaseUntil").getter(DedupeItem::leaseUntil).setter(DedupeItem::leaseUntil))
          .addAttribute(Long.class, a -> a.name("expiresAt").getter(DedupeItem::expiresAt).setter(DedupeItem::expiresAt))
          .addAttribute(Long.class, a -> a.name("ttl").getter(DedupeItem::ttl).setter(DedupeItem::ttl))
          .build();

  private String pk;
  private String status;
  private String token;
  private Long leaseUntil;
  private Long expiresAt;
  private Long ttl;

  static DedupeItem of(DedupeEntry entry) {
    DedupeItem item = new DedupeItem();
    item.pk = entry.key();
    item.status = entry.status().name();
    item.token = entry.token();
    item.leaseUntil = entry.leaseUntilMillis();
    item.expiresAt = entry.expiresAtMillis();
    item.ttl = entry.expiresAtMillis() / 1000 + 1;
    return item;
  }

  DedupeEntry entry() {
    return new DedupeEntry(pk, DedupeEntry.Status.valueOf(status), token, leaseUntil, expiresAt, null);
  }

  String pk() {
    return pk;
  }

  void pk(String v) {
    pk = v;
  }

  String status() {
    return status;
  }

  void status(String v) {
    status = v;
  }

  String token() {
    return token;
  }

  void token(String v) {
    token = v;
  }

  Long leaseUntil() {
    return leaseUntil;
  }

  void leaseUntil(Long v) {
    leaseUntil = v;
  }

  Long expiresAt() {
    return expiresAt;
  }

  void expiresAt(Long v) {
    expiresAt = v;
  }

  Long ttl() {
    return ttl;
  }

  void ttl(Long v) {
    ttl = v;
  }
}

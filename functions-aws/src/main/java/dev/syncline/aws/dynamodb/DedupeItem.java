package dev.syncline.aws.dynamodb;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/**
 * One intent's dedupe entry. {@code expiresAt} is in epoch seconds as well, in {@code ttl}, the
 * attribute DynamoDB TTL deletes by; reads check {@code expiresAt} themselves since TTL deletes
 * late (and dynalite not at all).
 */
final class DedupeItem {

  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";

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

  static DedupeItem of(String key, String status, String token, long leaseUntil, long expiresAt) {
    DedupeItem item = new DedupeItem();
    item.pk = key;
    item.status = status;
    item.token = token;
    item.leaseUntil = leaseUntil;
    item.expiresAt = expiresAt;
    item.ttl = expiresAt / 1000 + 1;
    return item;
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

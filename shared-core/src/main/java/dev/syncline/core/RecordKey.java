package dev.syncline.core;

import dev.syncline.core.crdt.EntitySchema;
import java.util.regex.Pattern;

/** The address of a record: entity and id; its CloudEvent {@code subject} is {@code entity/id}. */
public record RecordKey(String entity, String id) implements Comparable<RecordKey> {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~:-]{1,256}");

  public RecordKey {
    EntitySchema.requireEntity(entity);
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("record id must match [A-Za-z0-9._~:-]{1,256}");
    }
  }

  /**
   * Parses a CloudEvent subject.
   *
   * @throws IllegalArgumentException if it is not {@code entity/id}
   */
  public static RecordKey fromSubject(String subject) {
    if (subject == null) {
      throw new IllegalArgumentException("subject is required and must be entity/id");
    }
    int slash = subject.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("subject must be entity/id");
    }
    return new RecordKey(subject.substring(0, slash), subject.substring(slash + 1));
  }

  public String subject() {
    return entity + "/" + id;
  }

  @Override
  public int compareTo(RecordKey o) {
    int c = entity.compareTo(o.entity);
    return c != 0 ? c : id.compareTo(o.id);
  }

  @Override
  public String toString() {
    return subject();
  }
}

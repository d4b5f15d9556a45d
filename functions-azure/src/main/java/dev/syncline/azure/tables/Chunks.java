package dev.syncline.azure.tables;

import com.azure.data.tables.models.TableEntity;
import java.io.ByteArrayOutputStream;

/**
 * Splits a byte array across binary properties {@code name_0, name_1, ...} of at most 64 KiB
 * each (Table Storage's property limit), with the count in {@code name_n}.
 */
final class Chunks {

  static final int MAX_PROPERTY_BYTES = 64 * 1024;

  private Chunks() {}

  static void put(TableEntity entity, String name, byte[] bytes) {
    int parts = Math.max(1, (bytes.length + MAX_PROPERTY_BYTES - 1) / MAX_PROPERTY_BYTES);
    entity.addProperty(name + "_n", parts);
    for (int i = 0; i < parts; i++) {
      int from = i * MAX_PROPERTY_BYTES;
      int to = Math.min(bytes.length, from + MAX_PROPERTY_BYTES);
      byte[] part = new byte[to - from];
      System.arraycopy(bytes, from, part, 0, part.length);
      entity.addProperty(name + "_" + i, part);
    }
  }

  static byte[] get(TableEntity entity, String name) {
    int parts = ((Number) entity.getProperty(name + "_n")).intValue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < parts; i++) {
      out.writeBytes((byte[]) entity.getProperty(name + "_" + i));
    }
    return out.toByteArray();
  }
}

package dev.syncline.infra;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the checks need of a compiled class, read from its class file (JVMS §4) without loading
 * it: a function package need not hold the platform's own API classes, so loading could fail.
 *
 * @param name the binary name, {@code dev.syncline.aws.OutboxDrainHandler}
 * @param interfaces the interfaces it implements directly, by binary name
 * @param publicMethods the names of its public methods
 * @param strings every UTF-8 constant of its constant pool (string literals among them)
 */
public record ClassFile(String name, Set<String> interfaces, Set<String> publicMethods, List<String> strings) {

  private static final int ACC_PUBLIC = 0x0001;

  /** Reads one class file. @throws IllegalArgumentException if it is not one */
  public static ClassFile read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IllegalArgumentException("not a class file");
      }
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      int[] classNameIndex = new int[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 7 -> classNameIndex[i] = in.readUnsignedShort();
          case 8, 16, 19, 20 -> in.readUnsignedShort();
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
          case 5, 6 -> {
            in.readLong();
            i++;
          }
          case 15 -> {
            in.readUnsignedByte();
            in.readUnsignedShort();
          }
          default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
        }
      }
      in.readUnsignedShort();
      String name = binary(utf8[classNameIndex[in.readUnsignedShort()]]);
      in.readUnsignedShort();
      Set<String> interfaces = new TreeSet<>();
      for (int n = in.readUnsignedShort(); n > 0; n--) {
        interfaces.add(binary(utf8[classNameIndex[in.readUnsignedShort()]]));
      }
      skipMembers(in, null, null);
      Set<String> methods = new TreeSet<>();
      skipMembers(in, methods, utf8);
      List<String> strings = new ArrayList<>();
      for (String s : utf8) {
        if (s != null) {
          strings.add(s);
        }
      }
      return new ClassFile(name, interfaces, methods, strings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void skipMembers(DataInputStream in, Set<String> publicNames, String[] utf8) throws IOException {
    for (int n = in.readUnsignedShort(); n > 0; n--) {
      int access = in.readUnsignedShort();
      int nameIndex = in.readUnsignedShort();
      in.readUnsignedShort();
      if (publicNames != null && (access & ACC_PUBLIC) != 0) {
        publicNames.add(utf8[nameIndex]);
      }
      for (int a = in.readUnsignedShort(); a > 0; a--) {
        in.readUnsignedShort();
        in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
      }
    }
  }

  private static String binary(String internalName) {
    return internalName.replace('/', '.');
  }
}

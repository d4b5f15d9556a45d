package dev.syncline.e2e.azure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP trigger's route: {@code host.json}'s {@code extensions.http.routePrefix} (default
 * {@code api}) followed by the function's {@code route}, matched as ASP.NET Core routing matches
 * the Functions host's routes: literal segments ignore case, {@code {name}} matches one segment,
 * {@code {name?}} an optional trailing segment, and {@code {*name}} the rest of the path, even
 * none of it. Inline constraints such as {@code {id:int}} are accepted but not enforced.
 */
final class RouteTemplate {

  private record Segment(String literal, boolean optional, boolean catchAll) {}

  private final String text;
  private final List<Segment> segments;

  private RouteTemplate(String text, List<Segment> segments) {
    this.text = text;
    this.segments = segments;
  }

  static RouteTemplate of(String routePrefix, String route) {
    String joined = String.join("/", trimSlashes(routePrefix), trimSlashes(route));
    String text = trimSlashes(joined);
    List<Segment> segments = new ArrayList<>();
    for (String part : split(text)) {
      if (part.startsWith("{") && part.endsWith("}")) {
        String inner = part.substring(1, part.length() - 1);
        boolean catchAll = inner.startsWith("*");
        boolean optional = inner.endsWith("?");
        segments.add(new Segment(null, optional, catchAll));
      } else {
        segments.add(new Segment(part, false, false));
      }
    }
    for (int i = 0; i < segments.size() - 1; i++) {
      if (segments.get(i).catchAll()) {
        throw new IllegalArgumentException("route " + text + ": a catch-all parameter must be the last segment");
      }
    }
    return new RouteTemplate("/" + text, segments);
  }

  /** Whether a request's raw path (such as {@code /records/user/42}) matches. */
  boolean matches(String rawPath) {
    List<String> parts = split(trimSlashes(rawPath));
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      if (s.catchAll()) {
        return true;
      }
      if (i >= parts.size()) {
        return segments.subList(i, segments.size()).stream().allMatch(r -> r.optional() || r.catchAll());
      }
      String part = parts.get(i);
      if (s.literal() != null ? !s.literal().equalsIgnoreCase(decode(part)) : part.isEmpty()) {
        return false;
      }
    }
    return parts.size() == segments.size();
  }

  @Override
  public String toString() {
    return text;
  }

  private static List<String> split(String path) {
    return path.isEmpty() ? List.of() : List.of(path.split("/", -1));
  }

  private static String trimSlashes(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == '/') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(start, end);
  }

  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return segment;
    }
  }
}

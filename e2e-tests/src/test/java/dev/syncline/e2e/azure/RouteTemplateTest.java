package dev.syncline.e2e.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouteTemplateTest {

  @Test
  void aCatchAllUnderAnEmptyPrefix_matchesEveryPath() {
    RouteTemplate route = RouteTemplate.of("", "{*path}");

    assertThat(route).hasToString("/{*path}");
    assertThat(route.matches("/")).isTrue();
    assertThat(route.matches("/events")).isTrue();
    assertThat(route.matches("/records/user/42")).isTrue();
  }

  @Test
  void literalsIgnoreCase_parametersNeedASegment_optionalOnesMayBeMissing() {
    RouteTemplate route = RouteTemplate.of("api", "records/{entity}/{id:int?}");

    assertThat(route.matches("/api/records/user/42")).isTrue();
    assertThat(route.matches("/API/Records/user/")).isTrue();
    assertThat(route.matches("/api/records/user")).isTrue();
    assertThat(route.matches("/api/records")).isFalse();
    assertThat(route.matches("/api/records//42")).isFalse();
    assertThat(route.matches("/api/records/user/42/x")).isFalse();
    assertThat(route.matches("/records/user/42")).isFalse();
  }

  @Test
  void literalSegmentsAreComparedDecoded() {
    assertThat(RouteTemplate.of("api", "a b").matches("/api/a%20b")).isTrue();
  }

  @Test
  void aCatchAllMustBeLast() {
    assertThatThrownBy(() -> RouteTemplate.of("", "{*rest}/x")).isInstanceOf(IllegalArgumentException.class);
  }
}

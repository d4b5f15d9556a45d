package dev.syncline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

  @Test
  void demo_converges_andPrintsTheSummary() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    boolean converged = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(converged).as(printed).isTrue();
    assertThat(printed)
        .contains("delivery 2: duplicate")
        .contains("\"conflicts\":{\"email\":[\"grace@azure.example\",\"grace@aws.example\"]}")
        .contains("RESULT: converged")
        .doesNotContain("DIVERGED");
  }
}

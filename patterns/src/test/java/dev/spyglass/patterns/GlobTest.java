package dev.spyglass.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
  @Test
  void wildcardsInsideWords_matchAnyRun() {
    assertThat(Glob.matches("<*>", "anything")).isTrue();
    assertThat(Glob.matches("rhost=<*>", "rhost=ec2-1.example")).isTrue();
    assertThat(Glob.matches("rhost=<*>", "ruser=x")).isFalse();
    assertThat(Glob.matches("'/udev/<*>'", "'/udev/vcs2'")).isTrue();
    assertThat(Glob.matches("(<*>)", "()")).isTrue();
    assertThat(Glob.matches("<*>:<*>", "<*>:<*>")).isTrue();
    assertThat(Glob.matches("a<*>b<*>c", "a-b-c")).isTrue();
    assertThat(Glob.matches("a<*>b<*>c", "a-c")).isFalse();
    assertThat(Glob.matches("ab<*>ba", "aba")).isFalse();
    assertThat(Glob.matches("word", "word")).isTrue();
    assertThat(Glob.matches("word", "other")).isFalse();
  }

  @Test
  void generalising_keepsWhatTwoWordsShareAtPunctuation() {
    assertThat(Glob.generalise("rhost=<*>", "rhost=host.example")).isEqualTo("rhost=<*>");
    assertThat(Glob.generalise("'/udev/vcsa2'", "'/udev/vcs2'")).isEqualTo("'/udev/<*>'");
    assertThat(Glob.generalise("root", "guest")).isEqualTo("<*>");
    assertThat(Glob.generalise("user=root", "user=guest")).isEqualTo("user=<*>");
    assertThat(Glob.generalise("same", "same")).isEqualTo("same");
  }
}

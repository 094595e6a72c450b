package dev.spyglass.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatternsTest {
  @Test
  void messagesOfOneKind_shareAPattern_numbersAndAddressesMasked() {
    Patterns patterns = new Patterns();
    Patterns.Match first =
        patterns.assign("hdfs", "Received block blk_123 of size 67108864 from /10.0.0.1");
    Patterns.Match second =
        patterns.assign("hdfs", "Received block blk_-77 of size 12 from /10.0.0.2");
    assertThat(second.id()).isEqualTo(first.id()).matches("[0-9a-f]{16}");
    assertThat(second.template()).isEqualTo("Received block blk_<*> of size <*> from /<*>");
    assertThat(patterns.assign("hdfs", "Deleting block blk_1 file /data/blk_1").id())
        .isNotEqualTo(first.id());
  }

  @Test
  void services_haveTheirOwnPatterns() {
    Patterns patterns = new Patterns();
    String a = patterns.assign("a", "cache miss for key 7").id();
    String b = patterns.assign("b", "cache miss for key 7").id();
    assertThat(a).isNotEqualTo(b);
    assertThat(patterns.resolve(a).orElseThrow().service()).isEqualTo("a");
  }

  @Test
  void wordsThatVary_becomeAVariable_andOldIdsResolveToTheMergedPattern() {
    Patterns patterns = new Patterns();
    List<String> ids = new ArrayList<>();
    for (String user : List.of("admin", "oracle", "test", "guest")) {
      ids.add(patterns.assign("sshd", "Invalid user " + user + " from 1.2.3.4").id());
    }
    // Three different words were three patterns; the fourth shows the place is a variable.
    assertThat(ids).doesNotHaveDuplicates();
    Patterns.Pattern merged = patterns.resolve(ids.getFirst()).orElseThrow();
    assertThat(merged.template()).isEqualTo("Invalid user <*> from <*>");
    assertThat(merged.count()).isEqualTo(4);
    assertThat(merged.ids()).containsExactlyInAnyOrderElementsOf(ids);
    for (String id : ids) {
      assertThat(patterns.resolve(id).orElseThrow().id()).isEqualTo(merged.id());
    }
    Patterns.Match next = patterns.assign("sshd", "Invalid user root from 5.6.7.8");
    assertThat(next.patternId()).isEqualTo(merged.id());
    // A few words at one place stay constants: states, daemons, actions.
    Patterns states = new Patterns();
    for (String state : List.of("LOOKING", "FOLLOWING", "LEADING")) {
      states.assign("zk", "Notification: 1 (n.leader), " + state + " (my state)");
    }
    assertThat(states.all()).hasSize(3);
  }

  @Test
  void theFirstWord_namesTheEvent_andIsNeverAVariable() {
    Patterns patterns = new Patterns();
    for (String daemon : List.of("cupsd", "sshd", "xinetd", "crond", "syslogd")) {
      patterns.assign("linux", daemon + " startup succeeded");
    }
    assertThat(patterns.all()).hasSize(5);
  }

  @Test
  void aCapOnPatternsPerService_countsTheRestInOverflow() {
    Patterns patterns = new Patterns(3);
    for (String word : List.of("alpha", "beta", "gamma", "delta", "epsilon")) {
      patterns.assign("svc", word + " happened");
    }
    Patterns.Match over = patterns.assign("svc", "zeta happened");
    assertThat(over.template()).isEqualTo(Patterns.OVERFLOW_TEMPLATE);
    assertThat(patterns.resolve(over.id()).orElseThrow().count()).isEqualTo(3);
    assertThat(patterns.assign("svc", "alpha happened").template()).isEqualTo("alpha happened");
    assertThat(patterns.all()).hasSize(4);
  }

  @Test
  void aVeryLongMessage_isMinedOnItsFirstWordsOnly() {
    Patterns patterns = new Patterns();
    String words = "word ".repeat(100_000);
    Patterns.Match match = patterns.assign("svc", "start " + words);
    assertThat(match.template().split(" ")).hasSize(Miner.MAX_WORDS);
    assertThat(match.template()).endsWith("<*>");
  }

  @Test
  void savedAndRead_goesOnAsIfItHadNeverStopped() throws Exception {
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      messages.add("user u" + (i % 7) + " logged in from 10.0.0." + i);
      messages.add(
          "session " + i + " opened for " + List.of("ann", "bob", "cy", "di", "ed").get(i % 5));
    }
    Patterns straight = new Patterns();
    List<String> expected = new ArrayList<>();
    for (String m : messages) {
      expected.add(straight.assign("svc", m).patternId());
    }
    Patterns first = new Patterns();
    List<String> actual = new ArrayList<>();
    for (String m : messages.subList(0, 150)) {
      actual.add(first.assign("svc", m).patternId());
    }
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    first.write(saved);
    Patterns resumed = Patterns.read(new ByteArrayInputStream(saved.toByteArray()));
    for (String m : messages.subList(150, messages.size())) {
      actual.add(resumed.assign("svc", m).patternId());
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(resumed.all()).isEqualTo(straight.all());
  }

  @Test
  void aPatternIsFirstSeenAtItsEarliestMessage_acrossMergesAndASave() throws Exception {
    Patterns patterns = new Patterns();
    long[] times = {500, 300, 900, 400};
    String[] users = {"admin", "oracle", "test", "guest"};
    String id = null;
    for (int i = 0; i < users.length; i++) {
      id =
          patterns
              .assign("sshd", "Invalid user " + users[i] + " from 1.2.3.4", times[i])
              .patternId();
    }
    assertThat(patterns.resolve(id).orElseThrow().firstSeenNanos()).isEqualTo(300);
    patterns.assign("sshd", "Invalid user root from 1.2.3.4", 100);
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    patterns.write(saved);
    Patterns read = Patterns.read(new ByteArrayInputStream(saved.toByteArray()));
    assertThat(read.resolve(id).orElseThrow().firstSeenNanos()).isEqualTo(100);
    assertThat(patterns.assign("svc", "no time given").template()).isEqualTo("no time given");
    assertThat(patterns.all().getLast().firstSeenNanos()).isEqualTo(Long.MAX_VALUE);
  }
}

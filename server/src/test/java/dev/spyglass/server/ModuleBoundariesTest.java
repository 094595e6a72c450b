package dev.spyglass.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of DESIGN §1, checked on the compiled classes of every module the server is
 * built from: the engine stays inside its store, the query side sees the storage contract only, and
 * the pipeline's component modules never import each other; in tests as in production code.
 */
class ModuleBoundariesTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        // Test code too (this module's and the test jars it uses): a boundary kept in production
        // code alone still lets tests couple the modules.
        new ClassFileImporter().importPackages("dev.spyglass");
  }

  @Test
  void lucene_isUsedInsideTheStoresAlone() {
    // The embedded store's engine; the query language's parser, tails and pattern queries that
    // every store shares; OpenSearch's translation of the parsed query (docs/adr/0018).
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.spyglass.storage.embedded..",
            "dev.spyglass.storage.query..",
            "dev.spyglass.storage.tail..",
            "dev.spyglass.storage.patterns..",
            "dev.spyglass.storage.opensearch..",
            "dev.spyglass.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.lucene..")
        .because("the query side sees the storage contract only (docs/adr/0012)")
        .check(classes);
  }

  @Test
  void theOpenSearchClient_isUsedByItsStoreAlone() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.spyglass.storage.opensearch..", "dev.spyglass.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.opensearch..")
        .because("a store's engine stays inside its module (DESIGN §1)")
        .check(classes);
  }

  @Test
  void theQueryApi_readsThroughTheStorageContract_notAnEngine() {
    noClasses()
        .that()
        .resideInAPackage("dev.spyglass.query..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.spyglass.storage.embedded..", "dev.spyglass.storage.opensearch..")
        .because("a second backend must be a new module, not a change to the API")
        .check(classes);
  }

  @Test
  void receiversProcessorsExportersAndStorage_neverImportEachOther() {
    String[] modules = {
      "dev.spyglass.receiver..",
      "dev.spyglass.processor..",
      "dev.spyglass.exporter..",
      "dev.spyglass.storage.."
    };
    for (String module : modules) {
      String[] others =
          java.util.Arrays.stream(modules).filter(m -> !m.equals(module)).toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(module)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .check(classes);
    }
  }
}

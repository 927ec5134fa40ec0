package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Branches, tags, multi-table commits from Spark, log, diff and merges against a real Nessie
 * server.
 */
@SparkTest
class NessieTest {
  private static String uri;

  @BeforeAll
  static void catalogs(SparkSession spark, TestWarehouse w) {
    uri = TestNessie.uri();
    String warehouse = w.resolve("nessie").toUri().toString();
    for (String ref : new String[] {"main", "etl", "b1", "b2"}) {
      Nessie.catalogConf("nessie_" + ref, uri, ref, warehouse)
          .forEach((k, v) -> spark.conf().set(k, v));
    }
  }

  @Test
  void branchesTagsMultiTableCommitsLogDiffAndMerge(SparkSession spark) {
    try (Nessie nessie = Nessie.connect(uri)) {
      assertThat(nessie.defaultBranch()).isEqualTo("main");
      spark.sql("CREATE NAMESPACE IF NOT EXISTS nessie_main.db");
      spark.sql("CREATE TABLE nessie_main.db.orders (id INT) USING iceberg");
      spark.sql("CREATE TABLE nessie_main.db.customers (id INT, name STRING) USING iceberg");
      spark.sql("INSERT INTO nessie_main.db.orders VALUES (1), (2)");
      spark.sql("INSERT INTO nessie_main.db.customers VALUES (1, 'ada')");
      nessie.createTag("v1", "main");
      nessie.createBranch("etl", "main");

      // a change to two tables on the etl branch; main does not see it
      spark.sql("INSERT INTO nessie_etl.db.orders VALUES (3)");
      spark.sql("INSERT INTO nessie_etl.db.customers VALUES (2, 'grace')");
      assertThat(spark.table("nessie_main.db.orders").count()).isEqualTo(2);
      assertThat(spark.table("nessie_etl.db.orders").count()).isEqualTo(3);

      assertThat(nessie.log("etl", 10)).hasSizeGreaterThanOrEqualTo(2);
      assertThat(nessie.diff("main", "etl"))
          .extracting(Nessie.Change::key)
          .containsExactlyInAnyOrder("db.orders", "db.customers");
      assertThat(nessie.diff("main", "etl")).allMatch(c -> c.change().equals("CHANGED"));

      Nessie.MergeResult merged = nessie.merge("etl", "main");
      assertThat(merged.merged()).isTrue();
      assertThat(merged.conflicts()).isEmpty();
      assertThat(spark.table("nessie_main.db.orders").count()).isEqualTo(3);
      assertThat(spark.table("nessie_main.db.customers").count()).isEqualTo(2);
      // reading at the tag shows the tables as they were before the merge
      assertThat(spark.table("nessie_main.db.`orders@v1`").count()).isEqualTo(2);
      assertThat(spark.table("nessie_main.db.`customers@v1`").count()).isEqualTo(1);

      nessie.deleteBranch("etl");
      nessie.deleteTag("v1");
      assertThat(nessie.references()).doesNotContain("etl", "v1");
    }
  }

  @Test
  void conflictingMergesAreReportedAndChangeNothing(SparkSession spark) {
    try (Nessie nessie = Nessie.connect(uri)) {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS nessie_main.db");
      spark.sql(
          "CREATE TABLE IF NOT EXISTS nessie_main.db.stock (sku STRING, qty INT) USING iceberg");
      spark.sql("INSERT INTO nessie_main.db.stock VALUES ('a', 1)");
      nessie.createBranch("b1", "main");
      nessie.createBranch("b2", "main");
      spark.sql("INSERT INTO nessie_b1.db.stock VALUES ('b', 2)");
      spark.sql("INSERT INTO nessie_b2.db.stock VALUES ('c', 3)");
      assertThat(nessie.merge("b1", "main").merged()).isTrue();
      long before = spark.table("nessie_main.db.stock").count();
      Nessie.MergeResult conflict = nessie.merge("b2", "main");
      assertThat(conflict.merged()).isFalse();
      assertThat(conflict.conflicts()).anyMatch(c -> c.contains("db.stock"));
      assertThat(spark.table("nessie_main.db.stock").count()).isEqualTo(before);
      nessie.deleteBranch("b1");
      nessie.deleteBranch("b2");
    }
  }

  @Test
  void unknownReferencesAndDuplicatesFailClearly() {
    try (Nessie nessie = Nessie.connect(uri)) {
      assertThatThrownBy(() -> nessie.createBranch("x", "no-such-ref"))
          .isInstanceOf(LakeTableException.NoSuchRef.class)
          .hasMessageContaining("reference 'no-such-ref' does not exist on the Nessie server")
          .hasMessageContaining("main");
      assertThatThrownBy(() -> nessie.createBranch("main", "main"))
          .hasMessageContaining("'main' already exists");
      assertThatThrownBy(() -> nessie.deleteTag("main"))
          .hasMessageContaining("'main' is a branch, not a tag");
    }
  }

  @Test
  void branchStateExportsAndImportsAsANewBranch(SparkSession spark, TestWarehouse w)
      throws Exception {
    Nessie.catalogConf("nessie_restored", uri, "restored", w.resolve("nessie").toUri().toString())
        .forEach((k, v) -> spark.conf().set(k, v));
    try (Nessie nessie = Nessie.connect(uri)) {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS nessie_main.dr");
      spark.sql("CREATE TABLE nessie_main.dr.a (id INT) USING iceberg");
      spark.sql("CREATE TABLE nessie_main.dr.b (name STRING) USING iceberg");
      spark.sql("INSERT INTO nessie_main.dr.a VALUES (1), (2), (3)");
      spark.sql("INSERT INTO nessie_main.dr.b VALUES ('x')");
      Path file = w.resolve("nessie-main.json");
      nessie.export("main").write(file);
      Nessie.BranchState state = Nessie.BranchState.read(file);
      assertThat(state.contents()).extracting(Nessie.Content::key).contains("dr", "dr.a", "dr.b");
      nessie.importState(state, "restored");
      assertThat(spark.table("nessie_restored.dr.a").count()).isEqualTo(3);
      assertThat(spark.table("nessie_restored.dr.b").count()).isEqualTo(1);
      assertThatThrownBy(() -> nessie.importState(state, "restored"))
          .hasMessageContaining("'restored' already exists");
    }
  }
}

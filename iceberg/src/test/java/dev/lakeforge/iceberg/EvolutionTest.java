package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.testing.SparkTest;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SparkTest
class EvolutionTest {
  static final String T = "lake.evo.orders";

  @BeforeEach
  void table(SparkSession spark) {
    spark.sql("DROP TABLE IF EXISTS " + T);
    spark.sql(
        "CREATE TABLE "
            + T
            + " (id INT NOT NULL, cust STRING, amount FLOAT, price DECIMAL(9, 2), ts TIMESTAMP) USING iceberg");
    spark.sql("INSERT INTO " + T + " VALUES (1, 'a', 1.5, 9.99, TIMESTAMP '2026-11-20 10:00:00')");
  }

  private static StructType target() {
    return new StructType()
        .add("id", DataTypes.LongType, true) // widen + required -> optional
        .add("customer_id", DataTypes.StringType, true) // renamed from cust
        .add(
            "price", DataTypes.createDecimalType(12, 2), true) // widen decimal, moved before amount
        .add("amount", DataTypes.DoubleType, true) // widen float -> double
        .add("ts", DataTypes.TimestampType, true)
        .add("channel", DataTypes.StringType, true); // add optional
  }

  @Test
  void safeChangesAreClassifiedAppliedInOneCommitAndOldDataStaysReadable(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    SchemaEvolution e = t.evolveSchema(target()).rename("cust", "customer_id");
    List<SchemaChange> changes = e.plan();
    assertThat(changes)
        .extracting(SchemaChange::kind)
        .contains(
            SchemaChange.Kind.RENAME,
            SchemaChange.Kind.WIDEN,
            SchemaChange.Kind.MAKE_OPTIONAL,
            SchemaChange.Kind.ADD,
            SchemaChange.Kind.REORDER);
    assertThat(changes).allMatch(SchemaChange::safe);
    assertThat(e.isBreaking()).isFalse();
    e.commit();
    spark.sql(
        "INSERT INTO "
            + T
            + " VALUES (5000000000, 'b', 123456789.99, 2.5, TIMESTAMP '2026-11-21 10:00:00', 'web')");
    List<Row> rows = t.read().orderBy("id").collectAsList();
    assertThat(t.read().columns())
        .containsExactly("id", "customer_id", "price", "amount", "ts", "channel");
    assertThat(rows.get(0).getLong(0)).isEqualTo(1L);
    assertThat(rows.get(0).getString(1)).isEqualTo("a"); // written as 'cust', read as customer_id
    assertThat(rows.get(0).isNullAt(5)).isTrue(); // added column reads as null in old data
    assertThat(rows.get(1).getLong(0)).isEqualTo(5_000_000_000L);
    assertThat(rows.get(1).getString(5)).isEqualTo("web");
  }

  @Test
  void breakingChangesAreRefusedUnlessForced(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    StructType dropsAndNarrows =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("cust", DataTypes.StringType, false) // optional -> required
            .add("amount", DataTypes.FloatType, true)
            .add("price", DataTypes.createDecimalType(9, 2), true); // ts dropped
    SchemaEvolution e = t.evolveSchema(dropsAndNarrows);
    assertThat(e.plan())
        .filteredOn(c -> !c.safe())
        .extracting(SchemaChange::kind)
        .containsExactlyInAnyOrder(SchemaChange.Kind.MAKE_REQUIRED, SchemaChange.Kind.DROP);
    assertThatThrownBy(e::commit)
        .isInstanceOf(LakeTableException.class)
        .hasMessageContaining("refusing breaking schema changes to lake.evo.orders")
        .hasMessageContaining("BREAKING DROP ts")
        .hasMessageContaining("BREAKING MAKE_REQUIRED cust");
    assertThat(t.read().columns()).contains("ts");
    StructType narrowing =
        new StructType()
            .add("id", DataTypes.StringType, false)
            .add("cust", DataTypes.StringType)
            .add("amount", DataTypes.FloatType)
            .add("price", DataTypes.createDecimalType(9, 2))
            .add("ts", DataTypes.TimestampType);
    SchemaEvolution n = t.evolveSchema(narrowing);
    assertThat(n.plan()).anyMatch(c -> c.kind() == SchemaChange.Kind.RETYPE && !c.safe());
    assertThatThrownBy(() -> n.allowBreakingChanges().commit())
        .hasMessageContaining("cannot change the type of these columns");
    t.evolveSchema(
            new StructType()
                .add("id", DataTypes.IntegerType, false)
                .add("cust", DataTypes.StringType)
                .add("amount", DataTypes.FloatType)
                .add("price", DataTypes.createDecimalType(9, 2)))
        .allowBreakingChanges()
        .commit();
    assertThat(t.read().columns()).doesNotContain("ts");
    assertThat(t.read().count()).isEqualTo(1);
  }

  @Test
  void partitionEvolutionKeepsOldDataReadable(SparkSession spark) {
    LakeTable t = LakeTable.of(spark, T);
    t.evolvePartitions().add("days(ts)").commit();
    spark.sql("INSERT INTO " + T + " VALUES (2, 'b', 2.5, 1.00, TIMESTAMP '2026-11-21 10:00:00')");
    t.evolvePartitions().replace("days(ts)", "hours(ts)").add("bucket(4, id)").commit();
    spark.sql("INSERT INTO " + T + " VALUES (3, 'c', 3.5, 2.00, TIMESTAMP '2026-11-22 11:00:00')");
    assertThat(PartitionEvolution.currentSpec(t)).contains("hour").contains("bucket[4]");
    assertThat(t.read().orderBy("id").collectAsList())
        .extracting(r -> r.getInt(0))
        .containsExactly(1, 2, 3);
    assertThat(
            spark
                .sql("SELECT count(*) FROM " + T + " WHERE ts >= TIMESTAMP '2026-11-21 00:00:00'")
                .first()
                .getLong(0))
        .isEqualTo(2);
    assertThat(spark.sql("SELECT DISTINCT spec_id FROM " + T + ".files").count()).isEqualTo(3);
    assertThatThrownBy(() -> t.evolvePartitions().add("weeks(ts)"))
        .hasMessageContaining("is not one of");
    assertThatThrownBy(() -> t.evolvePartitions().drop("days(ts)").commit())
        .hasMessageContaining("partition change refused for lake.evo.orders");
  }
}

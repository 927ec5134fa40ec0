package dev.lakeforge.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
  @Test
  void splitsAtSemicolonsOutsideQuotesAndComments() {
    String sql =
        """
        -- leading comment; not a statement
        CREATE TABLE t (s STRING);
        /* block; comment */ INSERT INTO t VALUES ('a;b'), ("c;d"), ('it\\'s;');
          SELECT `odd;name` FROM t -- trailing; comment
        ;
        SELECT 1""";
    List<SqlStatement> s = SqlScript.split(sql);
    assertThat(s).extracting(SqlStatement::number).containsExactly(1, 2, 3, 4);
    assertThat(s.get(0).text()).isEqualTo("CREATE TABLE t (s STRING)");
    assertThat(s.get(0).line()).isEqualTo(2);
    assertThat(s.get(1).text()).startsWith("INSERT INTO t VALUES ('a;b')").endsWith("('it\\'s;')");
    assertThat(s.get(1).line()).isEqualTo(3);
    assertThat(s.get(1).column()).isEqualTo(22);
    assertThat(s.get(2).line()).isEqualTo(4);
    assertThat(s.get(2).column()).isEqualTo(3);
    assertThat(s.get(3).text()).isEqualTo("SELECT 1");
    assertThat(s.get(3).line()).isEqualTo(6);
  }

  @Test
  void positionMapsStatementOffsetsToTheFile() {
    SqlStatement s = new SqlStatement(2, "SELECT x\nFROM nope", 10, 5);
    assertThat(s.position("f.sql", 1, 8)).isEqualTo("f.sql:10:12");
    assertThat(s.position("f.sql", 2, 6)).isEqualTo("f.sql:11:6");
  }

  @Test
  void onlyCommentsMeansNoStatements() {
    assertThat(SqlScript.split("-- nothing\n/* here */\n")).isEmpty();
  }
}

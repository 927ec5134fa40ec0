package dev.lakeforge.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the RAPIDS Accelerator would do with a plan: every operator and expression with its {@link
 * Placement}, the reasons of those that stay on the CPU, and the share of operators on the GPU.
 * Parsed from RAPIDS' own explain output, so it says exactly what the plugin would decide.
 *
 * <pre>{@code
 * GpuPlanReport report = GpuPlan.explain(df);
 * if (report.coverage() < 0.95) {
 *   report.fallbacks().forEach(n -> System.out.println(n.name() + ": " + n.reason()));
 * }
 * }</pre>
 */
public final class GpuPlanReport {
  /**
   * One line of the explain output: {@code <indent><marker><kind> <Class> <description> <verdict>}.
   */
  private static final Pattern LINE = Pattern.compile("^( *)([*!@#$^])(\\S*) <([^>]*)>(.*)$");

  private static final String[] VERDICTS = {
    " will run on GPU", " cannot run on GPU", " could run on GPU"
  };

  /**
   * One operator or expression of the plan.
   *
   * @param depth its depth in the plan tree (0 for the root operator)
   * @param placement where it would run
   * @param kind what RAPIDS calls it: {@code Exec}, {@code Expression}, {@code Partitioning},
   *     {@code Scan}, {@code Output}; empty for an operator RAPIDS has no rule for
   * @param name Spark's class name, e.g. {@code HashAggregateExec} or {@code ScalaUDF}
   * @param description Spark's text of the expression (empty for operators)
   * @param reason why it does not run on the GPU (or runs through the CPU bridge, or is removed);
   *     empty when it runs on the GPU
   * @param line its line in the explain output, from 1
   */
  public record Node(
      int depth,
      Placement placement,
      String kind,
      String name,
      String description,
      String reason,
      int line) {

    /** Whether this is an operator (a physical plan node) rather than an expression. */
    public boolean isOperator() {
      return kind.equals("Exec") || (kind.isEmpty() && name.endsWith("Exec"));
    }

    /** {@code ScalaUDF plus1(id#5L)}, or just the name for an operator. */
    public String label() {
      return description.isEmpty() ? name : name + " " + description;
    }
  }

  private final String explainText;
  private final List<Node> nodes;

  private GpuPlanReport(String explainText, List<Node> nodes) {
    this.explainText = explainText;
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Parses the text of {@code com.nvidia.spark.rapids.ExplainPlan.explainPotentialGpuPlan(df,
   * "ALL")}, or of the {@code GpuOverrides} log lines {@code spark.rapids.sql.explain=ALL} writes.
   * A line that starts with no marker continues the reason of the node before it.
   */
  public static GpuPlanReport parse(String explainText) {
    List<Node> nodes = new ArrayList<>();
    String[] lines = explainText.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        nodes.add(node(m, i + 1));
      } else if (!line.isBlank() && !nodes.isEmpty()) {
        Node last = nodes.remove(nodes.size() - 1);
        String reason =
            last.reason().isEmpty() ? line.strip() : last.reason() + "\n" + line.strip();
        nodes.add(
            new Node(
                last.depth(),
                last.placement(),
                last.kind(),
                last.name(),
                last.description(),
                reason,
                last.line()));
      }
    }
    return new GpuPlanReport(explainText, nodes);
  }

  private static Node node(Matcher m, int line) {
    Placement placement = Placement.of(m.group(2).charAt(0));
    String rest = m.group(5);
    int verdict = -1;
    for (String v : VERDICTS) {
      int at = rest.indexOf(v);
      if (at >= 0 && (verdict < 0 || at < verdict)) {
        verdict = at;
      }
    }
    String description = (verdict < 0 ? rest : rest.substring(0, verdict)).strip();
    String reason = "";
    if (verdict >= 0 && placement != Placement.ON_GPU && placement != Placement.COULD_RUN) {
      int because = rest.indexOf(" because ", verdict);
      reason = because < 0 ? "" : rest.substring(because + " because ".length()).strip();
    }
    return new Node(
        m.group(1).length() / 2, placement, m.group(3), m.group(4), description, reason, line);
  }

  /** Every operator and expression, in the order of the explain output (depth first). */
  public List<Node> nodes() {
    return nodes;
  }

  /** The operators that stay in the plan: every {@link Node#isOperator()} node not removed. */
  public List<Node> operators() {
    return nodes.stream()
        .filter(n -> n.isOperator() && n.placement() != Placement.REMOVED)
        .toList();
  }

  /** The operators that run on the GPU. */
  public List<Node> operatorsOnGpu() {
    return operators().stream().filter(n -> n.placement() == Placement.ON_GPU).toList();
  }

  /**
   * What runs on the CPU by RAPIDS' own decision, each with its reason: operators and expressions
   * that cannot run on the GPU, expressions that run through the CPU bridge, and what the
   * cost-based optimizer keeps on the CPU. (Nodes that could run but whose operator falls back are
   * not listed: their operator is.)
   */
  public List<Node> fallbacks() {
    return nodes.stream().filter(n -> n.placement().isFallback()).toList();
  }

  /** Operators on the GPU divided by all operators; 1 for a plan with no operator. */
  public double coverage() {
    List<Node> operators = operators();
    return operators.isEmpty() ? 1.0 : (double) operatorsOnGpu().size() / operators.size();
  }

  /** Whether every operator and every expression runs on the GPU, none through the CPU bridge. */
  public boolean runsFullyOnGpu() {
    return fallbacks().isEmpty() && operatorsOnGpu().size() == operators().size();
  }

  /** RAPIDS' explain output this report was parsed from. */
  public String explainText() {
    return explainText;
  }

  /** The coverage line, as {@code 12 of 14 operators on the GPU (85.7%)}. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%d of %d operators on the GPU (%.1f%%), %d fallback%s",
        operatorsOnGpu().size(),
        operators().size(),
        100 * coverage(),
        fallbacks().size(),
        fallbacks().size() == 1 ? "" : "s");
  }

  /**
   * The fallbacks, one per line: {@code line 3: cannot run: ScalaUDF plus1(id#5L): <reason>}. The
   * reasons are kept whole: they name the setting that would move the node to the GPU.
   */
  public String fallbackList() {
    StringBuilder out = new StringBuilder();
    for (Node n : fallbacks()) {
      out.append("  line ")
          .append(n.line())
          .append(": ")
          .append(n.placement().name().toLowerCase(Locale.ROOT).replace('_', ' '))
          .append(": ")
          .append(abbreviate(n.label(), 100))
          .append(n.reason().isEmpty() ? "" : ": " + n.reason().replace('\n', ' '))
          .append('\n');
    }
    return out.toString();
  }

  /** The summary, the fallbacks and the explain output, for a terminal or a log. */
  public String render() {
    StringBuilder out = new StringBuilder("GPU plan: ").append(summary()).append('\n');
    if (!fallbacks().isEmpty()) {
      out.append("Fallbacks:\n").append(fallbackList());
    }
    out.append("RAPIDS explain (* GPU, ^ CPU bridge, ! cannot, @ could, # removed, $ cost):\n");
    out.append(explainText);
    if (!explainText.endsWith("\n")) {
      out.append('\n');
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "GpuPlanReport[" + summary() + "]";
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}

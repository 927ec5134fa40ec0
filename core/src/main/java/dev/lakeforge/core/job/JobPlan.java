package dev.lakeforge.core.job;

import java.util.ArrayList;
import java.util.List;

/**
 * What a job would do, as {@code --dry-run} prints it: the steps, and the problems found while
 * validating them. A plan with problems makes the dry run exit with code 2.
 *
 * <pre>{@code
 * JobPlan.of("run 3 statements from demo.sql")
 *     .step("1 (line 1) CREATE TABLE demo.orders ... : ok")
 *     .problem("demo.sql:7:15 statement 2: [TABLE_OR_VIEW_NOT_FOUND] ...")
 *     .build();
 * }</pre>
 */
public final class JobPlan {
  private final String title;
  private final List<String> steps;
  private final List<String> problems;

  private JobPlan(String title, List<String> steps, List<String> problems) {
    this.title = title;
    this.steps = List.copyOf(steps);
    this.problems = List.copyOf(problems);
  }

  public static Builder of(String title) {
    return new Builder(title);
  }

  public String title() {
    return title;
  }

  public List<String> steps() {
    return steps;
  }

  public List<String> problems() {
    return problems;
  }

  public boolean isValid() {
    return problems.isEmpty();
  }

  /** The plan as printed by {@code --dry-run}. */
  public String render() {
    StringBuilder sb = new StringBuilder("Plan: ").append(title).append('\n');
    for (int i = 0; i < steps.size(); i++) {
      sb.append("  ")
          .append(i + 1)
          .append(". ")
          .append(steps.get(i).replace("\n", "\n     "))
          .append('\n');
    }
    if (problems.isEmpty()) {
      sb.append("No problems found.\n");
    } else {
      sb.append(problems.size()).append(problems.size() == 1 ? " problem:\n" : " problems:\n");
      problems.forEach(p -> sb.append("  - ").append(p.replace("\n", "\n    ")).append('\n'));
    }
    return sb.toString();
  }

  /** Collects steps and problems. */
  public static final class Builder {
    private final String title;
    private final List<String> steps = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private Builder(String title) {
      this.title = title;
    }

    public Builder step(String step) {
      steps.add(step);
      return this;
    }

    public Builder problem(String problem) {
      problems.add(problem);
      return this;
    }

    public JobPlan build() {
      return new JobPlan(title, steps, problems);
    }
  }
}

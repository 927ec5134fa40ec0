package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module's public surface is its top package: each concept sub-package keeps its implementation
 * package-private behind one internal entry class, and no public signature of the top package makes
 * a user import a sub-package.
 */
class PublicSurfaceTest {
  private static final String TOP = "dev.lakeforge.quality";

  /** The packaged jobs are launched by class name, so their classes are public by necessity. */
  private static final String JOBS = TOP + ".job";

  private static final Pattern SUB_PACKAGE_TYPE =
      Pattern.compile("dev\\.lakeforge\\.quality\\.[a-z]\\w*\\.[A-Z]");

  private static final List<Class<?>> CLASSES = new ArrayList<>();

  @BeforeAll
  static void scan() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Check.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> files = Files.walk(root)) {
      names =
          files
              .map(root::relativize)
              .map(Path::toString)
              .filter(n -> n.endsWith(".class"))
              .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
              .toList();
    }
    for (String name : names) {
      if (name.startsWith(TOP + ".")) {
        CLASSES.add(Class.forName(name, false, PublicSurfaceTest.class.getClassLoader()));
      }
    }
    assertThat(CLASSES).as("compiled classes under " + root).hasSizeGreaterThan(30);
  }

  @Test
  void eachSubPackageExposesOnlyOneInternalEntryClass() {
    Map<String, List<String>> publicByPackage = new TreeMap<>();
    for (Class<?> c : CLASSES) {
      String pkg = c.getPackageName();
      if (!pkg.equals(TOP)
          && !pkg.equals(JOBS)
          && c.getEnclosingClass() == null
          && Modifier.isPublic(c.getModifiers())) {
        publicByPackage.computeIfAbsent(pkg, k -> new ArrayList<>()).add(c.getSimpleName());
        assertThat(Modifier.isFinal(c.getModifiers())).as(c + " is final").isTrue();
        assertThat(c.getDeclaredConstructors())
            .as(c + " cannot be instantiated")
            .allMatch(k -> Modifier.isPrivate(k.getModifiers()));
      }
    }
    assertThat(publicByPackage)
        .containsOnlyKeys(
            TOP + ".anomaly",
            TOP + ".profile",
            TOP + ".repository",
            TOP + ".report",
            TOP + ".suite");
    publicByPackage.forEach((pkg, types) -> assertThat(types).as(pkg).hasSize(1));
  }

  @Test
  void noPublicSignatureOfTheTopPackageNamesASubPackageType() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : CLASSES) {
      if (!c.getPackageName().equals(TOP) || !isVisible(c)) {
        continue;
      }
      if (SUB_PACKAGE_TYPE
          .matcher(
              c.toGenericString()
                  + " "
                  + c.getGenericSuperclass()
                  + " "
                  + List.of(c.getGenericInterfaces()))
          .find()) {
        leaks.add(c.getName());
      }
      List<Member> members = new ArrayList<>();
      members.addAll(List.of(c.getDeclaredMethods()));
      members.addAll(List.of(c.getDeclaredConstructors()));
      members.addAll(List.of(c.getDeclaredFields()));
      for (Member m : members) {
        if ((Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers()))
            && SUB_PACKAGE_TYPE.matcher(signature(m)).find()) {
          leaks.add(signature(m));
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  private static boolean isVisible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static String signature(Member m) {
    if (m instanceof Method method) {
      return method.toGenericString();
    }
    if (m instanceof Constructor<?> k) {
      return k.toGenericString();
    }
    return ((Field) m).toGenericString();
  }
}

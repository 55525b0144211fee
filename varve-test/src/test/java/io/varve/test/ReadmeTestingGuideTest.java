package io.varve.test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The README's testing guide: every {@code java test} block is a whole test class as a
 * user writes it, and compiles as written against the kit.
 */
class ReadmeTestingGuideTest {

	private static final Pattern BLOCK = Pattern.compile("(?m)^```java test\\n(.*?)^```", Pattern.DOTALL);

	private static final Pattern CLASS = Pattern.compile("(?m)^class (\\w+)");

	@TempDir
	Path out;

	@Test
	void everyTestClassOfTheGuideCompiles() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		Matcher blocks = BLOCK.matcher(readme);
		List<JavaFileObject> sources = new ArrayList<>();
		while (blocks.find()) {
			String source = blocks.group(1);
			Matcher name = CLASS.matcher(source);
			assertThat(name.find()).as("a top-level class in\n%s", source).isTrue();
			String file = name.group(1) + ".java";
			sources.add(new SimpleJavaFileObject(URI.create("string:///" + file), JavaFileObject.Kind.SOURCE) {
				@Override
				public CharSequence getCharContent(boolean ignoreEncodingErrors) {
					return source;
				}
			});
		}
		assertThat(sources).as("test classes in the README's testing guide").hasSizeGreaterThanOrEqualTo(3);
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		boolean compiled = compiler
			.getTask(null, null, diagnostics,
					List.of("-classpath", System.getProperty("java.class.path"), "-d", this.out.toString(),
							"-proc:none", "-Xlint:none"),
					null, sources)
			.call();
		if (!compiled) {
			StringBuilder report = new StringBuilder("The testing guide's examples do not compile:\n");
			for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
				if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
					report.append("  ")
						.append(diagnostic.getSource().getName())
						.append(':')
						.append(diagnostic.getLineNumber())
						.append(": ")
						.append(diagnostic.getMessage(Locale.ROOT))
						.append('\n');
				}
			}
			fail(report.toString());
		}
	}

}

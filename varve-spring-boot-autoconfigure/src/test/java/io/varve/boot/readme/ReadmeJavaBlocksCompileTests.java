package io.varve.boot.readme;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compiles every {@code java} code block of the README and of the guides in {@code docs/}
 * exactly as written, against the real API on the test class path, so that an example
 * cannot drift from the code. (The examples' behaviour is run by
 * {@code ReadmeExamplesTest} and {@link ReadmeSpringExamplesTests}.)
 *
 * <p>
 * Each block becomes one source file. A block of statements is the body of a method that
 * has a {@code varve} and a {@code commandId} in scope; a block of declarations (records,
 * classes) is nested in a class. The README's shared events ({@code AccountOpened},
 * {@code Deposited}, {@code Withdrawn}) are in scope for both, and an elided body
 * {@code { ... }} compiles as an empty one.
 */
class ReadmeJavaBlocksCompileTests {

	private static final Pattern BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);

	private static final Pattern DECLARATION = Pattern
		.compile("(?m)^(@\\w+(\\(.*\\))?\\s*)*(public |final |static |abstract )*(record|class|interface|enum) ");

	private static final String IMPORTS = """
			import java.nio.file.*;
			import java.time.*;
			import java.util.*;
			import io.varve.*;
			import io.varve.processor.*;
			import io.varve.crypto.*;
			import io.varve.boot.*;
			import io.varve.boot.autoconfigure.*;
			import io.varve.boot.kafka.*;
			import io.varve.kafka.*;
			import org.springframework.kafka.config.*;
			import org.springframework.kafka.core.*;
			import org.springframework.context.annotation.*;
			import tools.jackson.databind.cfg.*;
			import tools.jackson.databind.node.*;
			""";

	@TempDir
	Path out;

	@TestFactory
	Stream<DynamicTest> everyJavaBlockCompiles() throws IOException {
		List<DynamicTest> tests = new ArrayList<>();
		for (Path document : documents()) {
			String text = Files.readString(document);
			Matcher matcher = BLOCK.matcher(text);
			while (matcher.find()) {
				int line = (int) text.substring(0, matcher.start()).lines().count() + 1;
				String block = matcher.group(1);
				String where = document.getFileName() + " line " + line;
				tests.add(DynamicTest.dynamicTest(where, () -> compile(where, block)));
			}
		}
		assertThat(tests).as("java blocks in the README").hasSizeGreaterThanOrEqualTo(8);
		return tests.stream();
	}

	private static List<Path> documents() throws IOException {
		Path root = Path.of("..");
		List<Path> documents = new ArrayList<>();
		documents.add(root.resolve("README.md"));
		try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
		}
		return documents;
	}

	private void compile(String where, String block) {
		String body = block.replace("{ ... }", "{ }");
		String source;
		if (DECLARATION.matcher(body).find()) {
			source = "package readme;\n" + IMPORTS + "import static readme.Events.*;\nclass Example {\n" + body
					+ "\n}\n";
		}
		else {
			source = "package readme;\n" + IMPORTS + "import static readme.Events.*;\nclass Example {\n"
					+ "void run(Varve varve, UUID commandId) throws Exception {\n" + body + "\n}\n}\n";
		}
		String events = """
				package readme;
				import io.varve.EventType;
				final class Events {
					@EventType("account-opened")
					record AccountOpened(String owner) {}
					record Deposited(long amount) {}
					record Withdrawn(long amount) {}
				}
				""";
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", this.out.toString(),
				"-proc:none", "-Xlint:none");
		boolean compiled = compiler
			.getTask(null, null, diagnostics, options, null,
					List.of(new Source("readme/Example.java", source), new Source("readme/Events.java", events)))
			.call();
		if (!compiled) {
			StringBuilder report = new StringBuilder("The java block at " + where + " does not compile:\n");
			for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
				if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
					report.append("  ").append(diagnostic.getMessage(Locale.ROOT)).append('\n');
				}
			}
			report.append("--- as compiled:\n").append(source);
			fail(report.toString());
		}
	}

	private static final class Source extends SimpleJavaFileObject {

		private final String code;

		Source(String name, String code) {
			super(URI.create("string:///" + name), Kind.SOURCE);
			this.code = code;
		}

		@Override
		public CharSequence getCharContent(boolean ignoreEncodingErrors) {
			return this.code;
		}

	}

}

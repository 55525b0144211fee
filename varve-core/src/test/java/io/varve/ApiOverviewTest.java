package io.varve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Javadoc overview page lists the whole public API, and nothing that is not in it: a
 * public type added to {@code io.varve}, {@code io.varve.processor} or
 * {@code io.varve.crypto} without a line there fails here.
 */
class ApiOverviewTest {

	private static final Pattern LINK = Pattern
		.compile("\\{@link (io\\.varve\\.(?:processor\\.|crypto\\.)?[A-Z]\\w*)[}#]");

	@Test
	void theOverviewPageListsEveryPublicTypeOfTheApi() throws IOException {
		String page = Files.readString(Path.of("src/main/javadoc/overview.html"));
		Set<String> listed = new TreeSet<>();
		Matcher matcher = LINK.matcher(page);
		while (matcher.find()) {
			listed.add(matcher.group(1));
		}
		Set<String> api = new TreeSet<>();
		for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.varve")) {
			if ((type.getPackageName().equals("io.varve") || type.getPackageName().equals("io.varve.processor")
					|| type.getPackageName().equals("io.varve.crypto")) && type.isTopLevelClass()
					&& type.getModifiers().contains(JavaModifier.PUBLIC)) {
				api.add(type.getName());
			}
		}
		assertThat(api).hasSizeGreaterThan(50);
		assertThat(listed).containsExactlyElementsOf(api);
	}

}

package io.varve.boot.architecture;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

import io.varve.boot.architecture.fixture.ReachesIntoTheEngine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Boot uses only Varve's public API ({@code io.varve}, {@code io.varve.processor}): the
 * engine's internals ({@code io.varve.core}) may change in any release. Shown to fail on
 * a class that breaks it.
 */
class BootArchitectureTests {

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
		.importPackages("io.varve.boot");

	static final ArchRule BOOT_USES_ONLY_THE_PUBLIC_API = noClasses().that()
		.resideInAPackage("io.varve.boot..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.varve.core..")
		.because("Boot is a user of Varve's public API like any application");

	static final ArchRule BOOT_PACKAGES_FORM_NO_CYCLE = slices().matching("io.varve.boot.(**)")
		.should()
		.beFreeOfCycles();

	@Test
	void bootUsesOnlyThePublicApi() {
		BOOT_USES_ONLY_THE_PUBLIC_API.check(MAIN);
		JavaClasses breaking = new ClassFileImporter().importClasses(ReachesIntoTheEngine.class);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> BOOT_USES_ONLY_THE_PUBLIC_API.check(breaking))
			.withMessageContaining("io.varve.core.DefaultVarve");
	}

	@Test
	void everyPackageIsNullMarked() {
		List<String> packages = MAIN.stream().map(JavaClass::getPackageName).distinct().sorted().toList();
		assertThat(packages).contains("io.varve.boot", "io.varve.boot.observation");
		for (String name : packages) {
			assertThat(MAIN.getPackage(name).isAnnotatedWith(NullMarked.class))
				.as("%s is @NullMarked in its package-info", name)
				.isTrue();
		}
	}

	@Test
	void bootPackagesFormNoCycle() {
		BOOT_PACKAGES_FORM_NO_CYCLE.check(MAIN);
	}

}

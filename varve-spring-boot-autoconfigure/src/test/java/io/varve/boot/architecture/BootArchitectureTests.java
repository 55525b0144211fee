package io.varve.boot.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import io.varve.boot.architecture.fixture.ReachesIntoTheEngine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
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
	void bootPackagesFormNoCycle() {
		BOOT_PACKAGES_FORM_NO_CYCLE.check(MAIN);
	}

}

package io.varve;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

import io.varve.architecture.fixture.ExposesInternals;
import io.varve.architecture.fixture.UsesLmdbOutsideItsPackage;
import io.varve.architecture.fixture.UsesSpring;
import io.varve.architecture.fixture.cycle.a.PointsToB;
import io.varve.architecture.fixture.cycle.b.PointsToA;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The structure of {@code varve-core}, checked on its compiled classes: the public API
 * ({@code io.varve}, {@code io.varve.processor}, {@code io.varve.crypto}) exposes no
 * internal type, only the LMDB engine touches lmdbjava, nothing depends on Spring, and
 * the internal packages form no cycle. Each rule is also shown to fail on a class that
 * breaks it (the fixtures in {@code io.varve.architecture.fixture}, test classes that the
 * main check never sees).
 */
class ArchitectureTest {

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.varve");

	private static final Set<String> API_PACKAGES = Set.of("io.varve", "io.varve.processor", "io.varve.crypto");

	static final ArchRule ONLY_THE_LMDB_ENGINE_USES_LMDBJAVA = noClasses().that()
		.resideOutsideOfPackage("io.varve.core.lmdb..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("org.lmdbjava..")
		.because("the storage SPI (io.varve.core.storage) is the only way to the engine");

	static final ArchRule NO_SPRING = dependOnNothingIn("org.springframework..")
		.because("varve-core is plain Java; Spring lives in varve-spring-boot-autoconfigure");

	static final ArchRule INTERNAL_PACKAGES_FORM_NO_CYCLE = slices().assignedFrom(eachPackageUnder("io.varve.core"))
		.should()
		.beFreeOfCycles();

	static final ArchRule PUBLIC_API_EXPOSES_NO_INTERNAL_TYPE = members().that(arePublicApi())
		.should(exposeNoType("io.varve.core"))
		.because(
				"internal types may change in any release; users only see io.varve, io.varve.processor and io.varve.crypto");

	@Test
	void onlyTheLmdbEngineUsesLmdbjava() {
		ONLY_THE_LMDB_ENGINE_USES_LMDBJAVA.check(MAIN);
		assertBreached(ONLY_THE_LMDB_ENGINE_USES_LMDBJAVA, UsesLmdbOutsideItsPackage.class);
	}

	@Test
	void nothingUsesSpring() {
		NO_SPRING.check(MAIN);
		assertBreached(dependOnNothingIn("org.junit.."), UsesSpring.class);
	}

	@Test
	void internalPackagesFormNoCycle() {
		INTERNAL_PACKAGES_FORM_NO_CYCLE.check(MAIN);
		assertBreached(slices().assignedFrom(eachPackageUnder("io.varve.architecture.fixture.cycle"))
			.should()
			.beFreeOfCycles(), PointsToA.class, PointsToB.class);
	}

	@Test
	void thePublicApiExposesNoInternalType() {
		PUBLIC_API_EXPOSES_NO_INTERNAL_TYPE.check(MAIN);
		assertBreached(members().that(areIn(ExposesInternals.class)).should(exposeNoType("io.varve.core")),
				ExposesInternals.class);
	}

	@Test
	void everyPackageIsNullMarkedAndDocumented() {
		Set<String> packages = MAIN.stream()
			.map(JavaClass::getPackageName)
			.collect(Collectors.toCollection(java.util.TreeSet::new));
		assertThat(packages).contains("io.varve", "io.varve.processor", "io.varve.core.lmdb");
		for (String name : packages) {
			JavaPackage javaPackage = MAIN.getPackage(name);
			assertThat(javaPackage.isAnnotatedWith(NullMarked.class)).as("%s is @NullMarked in its package-info", name)
				.isTrue();
		}
	}

	private static ArchRule dependOnNothingIn(String packages) {
		return noClasses().should().dependOnClassesThat().resideInAPackage(packages);
	}

	private static void assertBreached(ArchRule rule, Class<?>... breaking) {
		JavaClasses classes = new ClassFileImporter().importClasses(breaking);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> rule.check(classes));
	}

	/** Every package at or under {@code root} is its own slice. */
	private static SliceAssignment eachPackageUnder(String root) {
		return new SliceAssignment() {
			@Override
			public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
				String name = javaClass.getPackageName();
				return (name.equals(root) || name.startsWith(root + ".")) ? SliceIdentifier.of(name)
						: SliceIdentifier.ignore();
			}

			@Override
			public String getDescription() {
				return "each package under " + root;
			}
		};
	}

	/** Public and protected members of public classes in the API packages. */
	private static DescribedPredicate<JavaMember> arePublicApi() {
		return DescribedPredicate.describe("are public members of the public API",
				(member) -> API_PACKAGES.contains(member.getOwner().getPackageName())
						&& member.getOwner().getModifiers().contains(JavaModifier.PUBLIC) && isVisible(member));
	}

	private static DescribedPredicate<JavaMember> areIn(Class<?> type) {
		return DescribedPredicate.describe("are members of " + type.getSimpleName(),
				(member) -> member.getOwner().isEquivalentTo(type) && isVisible(member));
	}

	private static boolean isVisible(JavaMember member) {
		Set<JavaModifier> modifiers = member.getModifiers();
		return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
	}

	/**
	 * The member's signature (types, type arguments, thrown types) names no class under
	 * the package.
	 */
	private static ArchCondition<JavaMember> exposeNoType(String internalPackage) {
		return new ArchCondition<>("expose no type of " + internalPackage) {
			@Override
			public void check(JavaMember member, ConditionEvents events) {
				Stream<JavaClass> types;
				if (member instanceof JavaField field) {
					types = field.getType().getAllInvolvedRawTypes().stream();
				}
				else {
					JavaCodeUnit code = (JavaCodeUnit) member;
					types = Stream.concat(code.getReturnType().getAllInvolvedRawTypes().stream(),
							code.getParameterTypes()
								.stream()
								.flatMap((type) -> type.getAllInvolvedRawTypes().stream()));
				}
				Set<String> internal = types.map(JavaClass::getName)
					.filter((name) -> name.startsWith(internalPackage + "."))
					.collect(Collectors.toCollection(java.util.TreeSet::new));
				boolean exposes = !internal.isEmpty();
				events.add(new SimpleConditionEvent(member, !exposes,
						member.getFullName() + (exposes ? " exposes " + internal : " exposes no internal type")));
			}
		};
	}

}

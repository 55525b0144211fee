package io.varve.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JUnit extension: a fresh store per test in a temporary directory, deleted after it;
 * fields and parameters injected; one store per class on request; settings in code.
 */
@VarveStore(eventTypes = Deposited.class)
class VarveExtensionTest {

	static final List<Path> STORES = new ArrayList<>();

	@VarveStore
	Varve field;

	@Test
	void aTestGetsAFreshStore(Varve varve) {
		assertThat(varve.headPosition()).isZero();
		varve.append("account-1", ExpectedVersion.noStream(), new Deposited(100));
		assertThat(varve.headPosition()).isEqualTo(1);
		assertThat(varve.storeInfo().durability()).isEqualTo(Durability.NO_SYNC);
		STORES.add(varve.path());
	}

	@Test
	void anotherTestGetsAnotherFreshStore(Varve varve) {
		assertThat(varve.headPosition()).isZero();
		varve.append("account-1", ExpectedVersion.noStream(), new Deposited(5), new Deposited(6));
		assertThat(varve.headPosition()).isEqualTo(2);
		STORES.add(varve.path());
	}

	@Test
	void theFieldAndTheParametersAreTheSameStore(Varve varve, VarveTester tester) {
		assertThat(this.field).isSameAs(varve);
		assertThat(tester.varve()).isSameAs(varve);
		// The class's event types are registered: data() decodes before any append here.
		this.field.append("account-1", ExpectedVersion.noStream(), new Deposited(1));
		assertThat(varve.readStream("account-1", 1, 1).get(0).data()).isEqualTo(new Deposited(1));
		STORES.add(varve.path());
	}

	@AfterAll
	static void everyStoreWasDeletedAfterItsTest() {
		assertThat(STORES).hasSize(3).doesNotHaveDuplicates();
		for (Path store : STORES) {
			assertThat(Files.exists(store.getParent())).as("directory of %s", store).isFalse();
		}
	}

	@Nested
	@VarveStore(perClass = true)
	class OneStorePerClass {

		@Test
		void first(Varve varve) {
			varve.append("shared-" + System.nanoTime(), ExpectedVersion.noStream(), new Deposited(1));
			assertThat(varve.headPosition()).isBetween(1L, 2L);
		}

		@Test
		void second(Varve varve) {
			varve.append("shared-" + System.nanoTime(), ExpectedVersion.noStream(), new Deposited(1));
			assertThat(varve.headPosition()).isBetween(1L, 2L);
		}

	}

}

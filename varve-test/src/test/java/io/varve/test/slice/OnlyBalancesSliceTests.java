package io.varve.test.slice;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.ProcessorState;
import io.varve.test.VarveTest;
import io.varve.test.VarveTester;
import io.varve.test.slice.SliceApplication.Credited;

import static io.varve.test.VarveAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second slice configuration in the same run: its context is cached beside the one of
 * {@link VarveSliceTests}, on a store of its own, and starts only the named processor.
 */
@VarveTest(processors = "balances")
class OnlyBalancesSliceTests {

	@Autowired
	Varve varve;

	@Autowired
	VarveTester tester;

	@Test
	void onlyTheNamedProcessorsStartOnAStoreOfTheirOwn() {
		this.varve.append("account-9", ExpectedVersion.any(), new Credited(7));
		this.tester.awaitProcessors();
		assertThat(this.varve).processor("balances").isRunning().hasLag(0);
		assertThat(this.varve).processor("audit").hasState(ProcessorState.STOPPED);
		assertThat(this.varve).log().hasHeadPosition(1);
		assertThat(this.varve.path().getParent().getFileName().toString()).startsWith("varve-test-");
		assertThat(this.varve.path()).isNotEqualTo(Path.of("varve-data"));
	}

}

package io.varve.test.slice;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.ProcessorState;
import io.varve.test.VarveTest;
import io.varve.test.VarveTester;
import io.varve.test.slice.SliceApplication.Credited;

import static io.varve.test.VarveAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slice as a newcomer uses it: inject, append, await, assert. Only Varve's beans and
 * the processors start, on a temporary store of the slice's own.
 */
@VarveTest
class VarveSliceTests {

	@Autowired
	Varve varve;

	@Autowired
	VarveTester tester;

	@Autowired
	ApplicationContext context;

	@Test
	void processorsHandleWhatTheTestAppends() {
		this.varve.append("account-1", ExpectedVersion.any(), new Credited(100), new Credited(20));
		this.tester.awaitProcessors();
		assertThat(this.varve.processors().projections().get("balances", "account-1", Long.class)).contains(120L);
		assertThat(this.varve).processor("balances").isRunning().hasLag(0);
		assertThat(this.varve).processor("audit").isRunning();
		assertThat(this.context.getBean(SliceApplication.Audit.class).seen).contains(new Credited(100));
	}

	@Test
	void onlyTheSlicesBeansStartOnATemporaryStore() {
		assertThat(this.context.getBeanNamesForType(Unrelated.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(SliceApplication.Balances.class)).hasSize(1);
		Path store = this.varve.path();
		assertThat(store.getParent().getFileName().toString()).startsWith("varve-test-");
		assertThat(store.toAbsolutePath()).startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
		assertThat(this.varve.storeInfo().durability()).isEqualTo(Durability.NO_SYNC);
	}

}

package io.varve.test.slice;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.test.TemporaryVarveStore;
import io.varve.test.VarveTester;
import io.varve.test.slice.SliceApplication.Credited;

import static io.varve.test.VarveAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full application test gets its own temporary store from {@link TemporaryVarveStore}.
 */
@SpringBootTest
@TemporaryVarveStore
class FullApplicationTests {

	@Autowired
	Varve varve;

	@Autowired
	VarveTester tester;

	@Autowired
	ApplicationContext context;

	@Test
	void theWholeApplicationRunsOnATemporaryStore() {
		assertThat(this.context.getBeanNamesForType(Unrelated.class)).hasSize(1);
		assertThat(this.varve.path().getParent().getFileName().toString()).startsWith("varve-test-");
		this.varve.append("account-3", ExpectedVersion.noStream(), new Credited(3));
		this.tester.awaitProcessors();
		assertThat(this.varve).stream("account-3").containsExactlyEvents(new Credited(3));
		assertThat(this.varve.processors().projections().get("balances", "account-3", Long.class)).contains(3L);
	}

}

package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.EventFilter;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.core.processor.TestEvents.Noted;
import io.varve.core.processor.TestEvents.Withdrawn;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorStatus;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessorFilterTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private Varve varve;

	private ProcessorRegistry processors;

	@BeforeEach
	void open() {
		this.varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).open();
		this.processors = this.varve.processors();
		this.varve.append("account-1", ExpectedVersion.any(), new Deposited(1), new Withdrawn(1)); // 1,
																									// 2
		this.varve.append("order-1", ExpectedVersion.any(), new Noted("a")); // 3
		this.varve.append("account-2", ExpectedVersion.any(), new Deposited(2)); // 4
		this.varve.append("order-2", ExpectedVersion.any(), new Deposited(3)); // 5
		this.varve.append("audit", ExpectedVersion.any(), new Noted("b")); // 6
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	private List<Long> run(String name, EventFilter filter) {
		List<Long> seen = Collections.synchronizedList(new ArrayList<>());
		this.processors.register(ProcessorDefinition.builder(name)
			.filter(filter)
			.handler((event, context) -> seen.add(event.position()))
			.build());
		this.processors.start(name);
		this.processors.awaitProcessed(name, 6, WAIT);
		ProcessorStatus status = this.processors.status(name);
		// The checkpoint moves past events the filter skips, so a caught-up processor
		// has no lag.
		assertThat(status.checkpoint()).isEqualTo(6);
		assertThat(status.lag()).isZero();
		return seen;
	}

	@Test
	void aCategoryFilterPassesOnlyStreamsOfThatCategory() {
		assertThat(run("accounts", EventFilter.categories("account"))).containsExactly(1L, 2L, 4L);
	}

	@Test
	void aStreamFilterPassesOnlyThoseStreams() {
		assertThat(run("some", EventFilter.streams("order-1", "audit"))).containsExactly(3L, 6L);
	}

	@Test
	void anEventTypeFilterPassesOnlyThoseTypes() {
		assertThat(run("deposits", EventFilter.eventTypes(Deposited.class))).containsExactly(1L, 4L, 5L);
	}

	@Test
	void categoryAndTypeFiltersMustBothMatch() {
		assertThat(run("account-deposits", EventFilter.categories("account").withEventTypes(Deposited.class)))
			.containsExactly(1L, 4L);
	}

	@Test
	void aProcessorWhoseFilterMatchesNothingStillFollowsTheHead() {
		assertThat(run("none", EventFilter.categories("nothing"))).isEmpty();
		this.varve.append("account-3", ExpectedVersion.any(), TestEvents.deposits(20_000, 1));
		this.processors.awaitProcessed("none", 20_006, WAIT);
		assertThat(this.processors.status("none").lag()).isZero();
	}

}

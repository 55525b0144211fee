package io.varve.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;

/**
 * Given-when-then for a processor, on a real store in a temporary directory: given events
 * in streams, when the processor has handled them, then its projection state, its parked
 * events, or whatever its handler did. Close it to delete the store.
 *
 * <pre class="code">
 * try (ProcessorFixture fixture = ProcessorFixture.of(balancesDefinition)) {
 *     fixture.given("account-1", new Deposited(100), new Withdrawn(30)).whenProcessed();
 *     assertThat(fixture.projection("balances", "account-1", Long.class)).contains(70L);
 *     fixture.assertThatProcessor().hasParked(0);
 * }
 * </pre>
 */
public final class ProcessorFixture implements AutoCloseable {

	private final ProcessorDefinition definition;

	private final Path directory;

	private final Varve varve;

	private final List<Object[]> given = new ArrayList<>();

	private ProcessorFixture(ProcessorDefinition definition, Consumer<VarveBuilder> customizer) {
		this.definition = definition;
		try {
			this.directory = Files.createTempDirectory("varve-fixture-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a temporary directory for the fixture's store", ex);
		}
		VarveBuilder builder = Varve.builder().path(this.directory.resolve("store")).durability(Durability.NO_SYNC);
		customizer.accept(builder);
		try {
			this.varve = builder.open();
		}
		catch (RuntimeException ex) {
			VarveExtension.deleteTree(this.directory);
			throw ex;
		}
		this.varve.processors().register(definition);
	}

	/**
	 * A fixture for a processor on a fresh store.
	 * @param definition the processor
	 * @return the fixture
	 */
	public static ProcessorFixture of(ProcessorDefinition definition) {
		return of(definition, (builder) -> {
		});
	}

	/**
	 * A fixture for a processor on a fresh store with more settings (event types,
	 * upcasters).
	 * @param definition the processor
	 * @param customizer changes the store's builder
	 * @return the fixture
	 */
	public static ProcessorFixture of(ProcessorDefinition definition, Consumer<VarveBuilder> customizer) {
		return new ProcessorFixture(definition, customizer);
	}

	/**
	 * Events to append to a stream before the processor runs.
	 * @param stream the stream
	 * @param events the events, in order
	 * @return this fixture
	 */
	public ProcessorFixture given(String stream, Object... events) {
		this.given.add(new Object[] { stream, events });
		return this;
	}

	/**
	 * Appends the given events (in the order given), starts the processor if it is not
	 * running, and waits until it has handled them all.
	 * @return this fixture
	 */
	public ProcessorFixture whenProcessed() {
		for (Object[] part : this.given) {
			this.varve.append((String) part[0], ExpectedVersion.any(), (Object[]) part[1]);
		}
		this.given.clear();
		if (this.varve.processors()
			.status(this.definition.name())
			.state() == io.varve.processor.ProcessorState.STOPPED) {
			this.varve.processors().start(this.definition.name());
		}
		new VarveTester(this.varve).awaitProcessor(this.definition.name());
		return this;
	}

	/**
	 * A committed projection value.
	 * @param <T> the value's class
	 * @param table the table
	 * @param key the key
	 * @param type the value's class
	 * @return the value, or empty
	 */
	public <T> Optional<T> projection(String table, String key, Class<T> type) {
		return this.varve.processors().projections().get(table, key, type);
	}

	/** The processor's parked events. */
	public List<ParkedEvent> parked() {
		return this.varve.processors().parked(this.definition.name());
	}

	/** Assertions on the processor's status. */
	public ProcessorAssert assertThatProcessor() {
		return VarveAssertions.assertThat(this.varve).processor(this.definition.name());
	}

	/** The fixture's store. */
	public Varve varve() {
		return this.varve;
	}

	@Override
	public void close() {
		try {
			this.varve.close();
		}
		finally {
			VarveExtension.deleteTree(this.directory);
		}
	}

}

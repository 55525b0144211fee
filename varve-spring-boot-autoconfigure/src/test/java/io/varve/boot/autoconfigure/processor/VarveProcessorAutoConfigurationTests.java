package io.varve.boot.autoconfigure.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.VarveReset;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.ProjectionStore;

import static org.assertj.core.api.Assertions.assertThat;

class VarveProcessorAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-sync");
	}

	sealed interface AccountEvent permits Deposited, Withdrawn, Closed {

	}

	record Deposited(long amount) implements AccountEvent {
	}

	record Withdrawn(long amount) implements AccountEvent {
	}

	record Closed(String reason) implements AccountEvent {
	}

	record Unrelated(String text) {
	}

	@VarveProcessor(categories = "account")
	static class Balances {

		@VarveHandler
		void on(Deposited deposited, RecordedEvent event, ProjectionStore store) {
			store.put("balances", event.stream(), balance(store, event) + deposited.amount());
		}

		@VarveHandler
		void on(ProjectionStore store, Withdrawn withdrawn, RecordedEvent event) {
			store.put("balances", event.stream(), balance(store, event) - withdrawn.amount());
		}

		@VarveReset
		void reset(ProjectionStore store, long fromPosition) {
			store.clear("balances");
		}

		private static long balance(ProjectionStore store, RecordedEvent event) {
			return store.get("balances", event.stream(), Long.class).orElse(0L);
		}

	}

	/** Dispatch by most specific type, plus a method that sees everything. */
	@VarveProcessor(name = "dispatch")
	static class Dispatching {

		final List<String> calls = Collections.synchronizedList(new ArrayList<>());

		@VarveHandler
		void any(AccountEvent event) {
			this.calls.add("any:" + event.getClass().getSimpleName());
		}

		@VarveHandler
		void deposit(Deposited deposited) {
			this.calls.add("deposit:" + deposited.amount());
		}

		@VarveHandler
		void everything(RecordedEvent event) {
			this.calls.add("all:" + event.position());
		}

	}

	@Test
	void runsProcessorBeansWithTheApplicationAndExposesTheRegistry() {
		runner().withBean("balances", Balances.class).run((context) -> {
			assertThat(context).hasSingleBean(ProcessorRegistry.class);
			Varve varve = context.getBean(Varve.class);
			ProcessorRegistry processors = context.getBean(ProcessorRegistry.class);
			varve.append("account-1", ExpectedVersion.any(), new Deposited(100), new Withdrawn(30));
			varve.append("other-1", ExpectedVersion.any(), new Deposited(1000));
			long last = varve.append("account-2", ExpectedVersion.any(), new Deposited(5)).lastPosition();
			processors.awaitProcessed("balances", last, WAIT);
			assertThat(processors.projections().get("balances", "account-1", Long.class)).contains(70L);
			assertThat(processors.projections().get("balances", "account-2", Long.class)).contains(5L);
			assertThat(processors.projections().get("balances", "other-1", Long.class)).isEmpty();
			ProcessorStatus status = processors.status("balances");
			assertThat(status.state()).isEqualTo(ProcessorState.RUNNING);
			assertThat(status.lag()).isZero();
			// The reset method clears the projection in the reset's own commit.
			processors.reset("balances", 0);
			processors.awaitProcessed("balances", last, WAIT);
			assertThat(processors.projections().get("balances", "account-1", Long.class)).contains(70L);
		});
	}

	@Test
	void runsProcessorBeansWhenTheApplicationInitialisesBeansLazily() {
		// What spring.main.lazy-initialization=true installs: every bean lazy unless a
		// LazyInitializationExcludeFilter keeps it eager.
		runner()
			.withInitializer(
					(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.withBean("balances", Balances.class)
			.run((context) -> {
				assertThat(context.getBeanFactory().getBeanDefinition("balances").isLazyInit()).isFalse();
				Varve varve = context.getBean(Varve.class);
				ProcessorRegistry processors = context.getBean(ProcessorRegistry.class);
				long last = varve.append("account-1", ExpectedVersion.any(), new Deposited(40)).lastPosition();
				processors.awaitProcessed("balances", last, WAIT);
				assertThat(processors.projections().get("balances", "account-1", Long.class)).contains(40L);
			});
	}

	@Test
	void dispatchesEachEventToTheMostSpecificHandlerAndEveryEventToRecordedEventHandlers() {
		runner().withBean(Dispatching.class).run((context) -> {
			Varve varve = context.getBean(Varve.class);
			long last = varve
				.append("account-1", ExpectedVersion.any(), new Deposited(7), new Withdrawn(2), new Unrelated("x"))
				.lastPosition();
			context.getBean(ProcessorRegistry.class).awaitProcessed("dispatch", last, WAIT);
			assertThat(context.getBean(Dispatching.class).calls).containsExactly("deposit:7", "all:1", "any:Withdrawn",
					"all:2", "all:3");
		});
	}

	/**
	 * A plain class: neither final nor sealed, so its processor cannot filter by type.
	 */
	public static class Note {

		private String text;

		public Note() {
		}

		public Note(String text) {
			this.text = text;
		}

		public String getText() {
			return this.text;
		}

		public void setText(String text) {
			this.text = text;
		}

	}

	public static class UrgentNote extends Note {

		public UrgentNote() {
		}

		public UrgentNote(String text) {
			super(text);
		}

	}

	/** An event that cannot be decoded: the stored payload no longer fits its class. */
	public static final class Fragile {

		static final AtomicInteger decoded = new AtomicInteger();

		public final long amount;

		Fragile(long amount) {
			this.amount = amount;
		}

		@JsonCreator
		static Fragile decode(@JsonProperty("amount") long amount) {
			decoded.incrementAndGet();
			throw new IllegalArgumentException("amount is now a currency value; this payload does not fit");
		}

	}

	@VarveProcessor(name = "notes")
	static class Notes {

		final List<String> calls = Collections.synchronizedList(new ArrayList<>());

		@VarveHandler
		void on(Note note, RecordedEvent event) {
			this.calls.add(note.getClass().getSimpleName() + ":" + note.getText());
		}

	}

	@Test
	void aProcessorNeverDecodesAnEventOfATypeNoneOfItsHandlersTakes() {
		Fragile.decoded.set(0);
		runner().withBean(Notes.class).run((context) -> {
			Varve varve = context.getBean(Varve.class);
			ProcessorRegistry processors = context.getBean(ProcessorRegistry.class);
			// Fragile is registered with the store (appended in this process), and the
			// Note handler's type is open, so the processor sees Fragile events.
			long last = varve
				.append("notes-1", ExpectedVersion.any(), new Note("a"), new Fragile(5), new UrgentNote("b"),
						new Note("c"))
				.lastPosition();
			processors.awaitProcessed("notes", last, WAIT);
			assertThat(context.getBean(Notes.class).calls).containsExactly("Note:a", "UrgentNote:b", "Note:c");
			assertThat(Fragile.decoded).hasValue(0);
			ProcessorStatus status = processors.status("notes");
			assertThat(status.state()).isEqualTo(ProcessorState.RUNNING);
			assertThat(status.errors()).isZero();
			assertThat(status.lastError()).isNull();
		});
	}

	@Test
	void registersHandlerEventClassesSoThatEventsFromEarlierRunsDecode() {
		runner().run((context) -> context.getBean(Varve.class)
			.append("account-1", ExpectedVersion.any(), new Deposited(40), new Closed("done")));
		// A new store instance knows no classes until the processor registers its own.
		runner().withBean("balances", Balances.class).run((context) -> {
			context.getBean(ProcessorRegistry.class).awaitProcessed("balances", 2, WAIT);
			assertThat(context.getBean(ProcessorRegistry.class).projections().get("balances", "account-1", Long.class))
				.contains(40L);
		});
	}

	public interface Audit {

		@VarveHandler
		void on(Deposited deposited, RecordedEvent event);

	}

	@VarveProcessor(name = "audit")
	public static class AuditImpl implements Audit {

		final List<Long> seen = Collections.synchronizedList(new ArrayList<>());

		@Override
		public void on(Deposited deposited, RecordedEvent event) {
			this.seen.add(event.position());
		}

	}

	@Test
	void findsHandlersOfBeansBehindInterfaceProxiesAndCallsThemThroughTheProxy() {
		AuditImpl target = new AuditImpl();
		AtomicInteger intercepted = new AtomicInteger();
		ProxyFactory factory = new ProxyFactory(target);
		factory.addInterface(Audit.class);
		factory.addAdvice((MethodInterceptor) (invocation) -> {
			intercepted.incrementAndGet();
			return invocation.proceed();
		});
		Audit proxy = (Audit) factory.getProxy();
		runner().withBean("audit", Audit.class, () -> proxy).run((context) -> {
			assertThat(proxy.getClass()).isNotEqualTo(AuditImpl.class);
			long last = context.getBean(Varve.class)
				.append("account-1", ExpectedVersion.any(), new Deposited(1), new Deposited(2))
				.lastPosition();
			context.getBean(ProcessorRegistry.class).awaitProcessed("audit", last, WAIT);
			assertThat(target.seen).containsExactly(1L, 2L);
			assertThat(intercepted).hasValue(2);
		});
	}

	@Test
	void findsHandlersOfBeansBehindClassProxies() {
		Dispatching target = new Dispatching();
		AtomicInteger intercepted = new AtomicInteger();
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvice((MethodInterceptor) (invocation) -> {
			intercepted.incrementAndGet();
			return invocation.proceed();
		});
		Dispatching proxy = (Dispatching) factory.getProxy();
		runner().withBean("dispatching", Dispatching.class, () -> proxy).run((context) -> {
			context.getBean(Varve.class).append("account-1", ExpectedVersion.any(), new Deposited(3));
			context.getBean(ProcessorRegistry.class).awaitProcessed("dispatch", 1, WAIT);
			assertThat(target.calls).containsExactly("deposit:3", "all:1");
			assertThat(intercepted).hasValue(2);
		});
	}

	@VarveProcessor
	static class FailsOnWithdrawals {

		@VarveHandler
		void on(Withdrawn withdrawn) {
			throw new IllegalStateException("no withdrawals");
		}

		@VarveHandler
		void on(Deposited deposited) {
		}

	}

	@Test
	void appliesPerProcessorPropertiesOverTheAnnotationWithRelaxedNames() {
		runner().withBean("failsOnWithdrawals", FailsOnWithdrawals.class)
			.withPropertyValues("varve.processor.fails-on-withdrawals.error-policy=park",
					"varve.processor.fails-on-withdrawals.max-attempts=2",
					"varve.processor.fails-on-withdrawals.initial-backoff=1ms")
			.run((context) -> {
				ProcessorRegistry processors = context.getBean(ProcessorRegistry.class);
				context.getBean(Varve.class)
					.append("account-1", ExpectedVersion.any(), new Deposited(1), new Withdrawn(1), new Deposited(1));
				processors.awaitProcessed("failsOnWithdrawals", 3, WAIT);
				ProcessorStatus status = processors.status("failsOnWithdrawals");
				assertThat(status.state()).isEqualTo(ProcessorState.RUNNING);
				assertThat(status.parkedCount()).isEqualTo(1);
				assertThat(processors.parked("failsOnWithdrawals").get(0).attempts()).isEqualTo(2);
			});
	}

	@Test
	void aFailingHandlerStopsItsProcessorByDefault() {
		runner().withBean("failsOnWithdrawals", FailsOnWithdrawals.class)
			.withPropertyValues("varve.processor.failsOnWithdrawals.max-attempts=1")
			.run((context) -> {
				ProcessorRegistry processors = context.getBean(ProcessorRegistry.class);
				context.getBean(Varve.class)
					.append("account-1", ExpectedVersion.any(), new Deposited(1), new Withdrawn(1), new Deposited(1));
				ProcessorStatus status = awaitState(processors, "failsOnWithdrawals", ProcessorState.FAILED);
				assertThat(status.checkpoint()).isEqualTo(1);
				assertThat(status.lag()).isEqualTo(2);
				assertThat(status.lastError().position()).isEqualTo(2);
				assertThat(status.lastError().message()).isEqualTo("no withdrawals");
			});
	}

	@Test
	void processorsStayStoppedWhenDisabled() {
		runner().withBean("balances", Balances.class)
			.withPropertyValues("varve.processors.enabled=false")
			.run((context) -> {
				ProcessorRegistry processors = context.getBean(ProcessorRegistry.class);
				assertThat(processors.names()).containsExactly("balances");
				assertThat(processors.status("balances").state()).isEqualTo(ProcessorState.STOPPED);
			});
		runner().withBean("balances", Balances.class)
			.withPropertyValues("varve.processor.balances.enabled=false")
			.run((context) -> assertThat(context.getBean(ProcessorRegistry.class).status("balances").state())
				.isEqualTo(ProcessorState.STOPPED));
	}

	/**
	 * Destroyed before the Varve bean it depends on: sees what the store's close sees.
	 */
	static class StateAtShutdown implements DisposableBean {

		private final ProcessorRegistry processors;

		final List<ProcessorState> seen = new ArrayList<>();

		StateAtShutdown(ProcessorRegistry processors) {
			this.processors = processors;
		}

		@Override
		public void destroy() {
			this.seen.add(this.processors.status("balances").state());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShutdownProbe {

		@Bean
		StateAtShutdown stateAtShutdown(ProcessorRegistry processors) {
			return new StateAtShutdown(processors);
		}

	}

	@Test
	void processorsStopWithTheContextBeforeTheStoreClosesAndKeepTheirCheckpoint() {
		StateAtShutdown[] probe = new StateAtShutdown[1];
		runner().withBean("balances", Balances.class).withUserConfiguration(ShutdownProbe.class).run((context) -> {
			probe[0] = context.getBean(StateAtShutdown.class);
			Varve varve = context.getBean(Varve.class);
			for (int i = 0; i < 50; i++) {
				long position = varve.append("account-" + i, ExpectedVersion.any(), new Deposited(1)).lastPosition();
				if (i == 24) {
					context.getBean(ProcessorRegistry.class).awaitProcessed("balances", position, WAIT);
				}
			}
		});
		assertThat(probe[0].seen).containsExactly(ProcessorState.STOPPED);
		try (Varve varve = Varve.open(this.dir)) {
			ProcessorRegistry processors = varve.processors();
			processors.register(ProcessorDefinition.builder("balances").handler((event, context) -> {
			}).build());
			long checkpoint = processors.status("balances").checkpoint();
			long total = 0;
			for (int i = 0; i < 50; i++) {
				total += processors.projections().get("balances", "account-" + i, Long.class).orElse(0L);
			}
			// However far it got before the context closed, projection and checkpoint
			// agree.
			assertThat(checkpoint).isBetween(25L, 50L);
			assertThat(total).isEqualTo(checkpoint);
		}
	}

	static ProcessorStatus awaitState(ProcessorRegistry processors, String name, ProcessorState state)
			throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		ProcessorStatus status;
		while ((status = processors.status(name)).state() != state) {
			assertThat(System.nanoTime()).as(name + " reaches " + state + ", now " + status).isLessThan(deadline);
			Thread.sleep(5);
		}
		return status;
	}

}

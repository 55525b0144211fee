package io.varve.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import io.varve.Durability;
import io.varve.Varve;
import io.varve.VarveBuilder;

/**
 * JUnit Jupiter extension giving each test (or each test class) a fresh Varve store in a
 * temporary directory: injected into parameters of type {@link Varve} or
 * {@link VarveTester} and into fields annotated {@link VarveStore}, closed and deleted
 * afterwards. Enable it with {@code @VarveStore} on the class, or register an instance to
 * configure it in code:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static VarveExtension varve = VarveExtension.builder()
 *     .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
 *     .customize((builder) -&gt; builder.upcasters(myUpcaster))
 *     .build();
 * </pre>
 *
 * Stores use {@link Durability#NO_SYNC} unless told otherwise: a test's store is thrown
 * away.
 */
public final class VarveExtension
		implements BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(VarveExtension.class);

	private final Durability durability;

	private final boolean perClass;

	private final Clock clock;

	private final Consumer<VarveBuilder> customizer;

	/** The extension as {@code @VarveStore} enables it: settings from the annotation. */
	public VarveExtension() {
		this(null, false, null, (builder) -> {
		});
	}

	private VarveExtension(Durability durability, boolean perClass, Clock clock, Consumer<VarveBuilder> customizer) {
		this.durability = durability;
		this.perClass = perClass;
		this.clock = clock;
		this.customizer = customizer;
	}

	/**
	 * A builder for an extension configured in code.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The store of the current test, for an extension registered as a field.
	 * @param context the test's context
	 * @return the store
	 */
	public Varve store(ExtensionContext context) {
		return storeFor(context).varve();
	}

	@Override
	public void beforeEach(ExtensionContext context) throws Exception {
		Object instance = context.getRequiredTestInstance();
		for (Class<?> type = instance.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				if (field.isAnnotationPresent(VarveStore.class) && !Modifier.isStatic(field.getModifiers())) {
					if (!Varve.class.isAssignableFrom(field.getType())) {
						throw new IllegalStateException("@VarveStore on field " + field.getName() + " of "
								+ type.getName() + ": the field must be of type io.varve.Varve");
					}
					field.setAccessible(true);
					field.set(instance, storeFor(context).varve());
				}
			}
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		// A per-test store is closed by the test's store when the test's context closes;
		// closing it here also surfaces a failure to delete in the test that made it.
		OpenStore store = context.getStore(NAMESPACE).remove(OpenStore.class, OpenStore.class);
		if (store != null) {
			store.close();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		OpenStore store = context.getStore(NAMESPACE).remove(OpenStore.class, OpenStore.class);
		if (store != null) {
			store.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		Class<?> type = parameter.getParameter().getType();
		return type == Varve.class || type == VarveTester.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		OpenStore store = storeFor(context);
		if (parameter.getParameter().getType() == VarveTester.class) {
			return new VarveTester(store.varve());
		}
		return store.varve();
	}

	private OpenStore storeFor(ExtensionContext context) {
		Optional<VarveStore> settings = settings(context);
		boolean shared = this.perClass || settings.map(VarveStore::perClass).orElse(false);
		ExtensionContext owner = shared ? classContext(context) : context;
		if (!shared && context.getTestMethod().isEmpty()) {
			throw new ParameterResolutionException("A Varve store per test is made for test methods; for one per "
					+ "class (constructor or @BeforeAll parameters) use @VarveStore(perClass = true)");
		}
		return owner.getStore(NAMESPACE)
			.getOrComputeIfAbsent(OpenStore.class, (key) -> open(settings), OpenStore.class);
	}

	private static ExtensionContext classContext(ExtensionContext context) {
		ExtensionContext current = context;
		while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
			current = current.getParent().get();
		}
		return current;
	}

	private static Optional<VarveStore> settings(ExtensionContext context) {
		for (Optional<Class<?>> type = context.getTestClass(); type
			.isPresent(); type = Optional.ofNullable(type.get().getEnclosingClass())) {
			Optional<VarveStore> found = AnnotationSupport.findAnnotation(type.get(), VarveStore.class);
			if (found.isPresent()) {
				return found;
			}
		}
		return Optional.empty();
	}

	private OpenStore open(Optional<VarveStore> settings) {
		Path directory;
		try {
			directory = Files.createTempDirectory("varve-test-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a temporary directory for a test store", ex);
		}
		VarveBuilder builder = Varve.builder()
			.path(directory.resolve("store"))
			.durability((this.durability != null) ? this.durability
					: settings.map(VarveStore::durability).orElse(Durability.NO_SYNC));
		settings.ifPresent((annotation) -> builder.eventTypes(annotation.eventTypes()));
		if (this.clock != null) {
			builder.clock(this.clock);
		}
		this.customizer.accept(builder);
		try {
			return new OpenStore(directory, builder.open());
		}
		catch (RuntimeException ex) {
			deleteTree(directory);
			throw ex;
		}
	}

	static void deleteTree(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete the test store at " + directory, ex);
		}
	}

	/** A store and its temporary directory; closing closes the store and deletes both. */
	private record OpenStore(Path directory, Varve varve) implements ExtensionContext.Store.CloseableResource {

		@Override
		public void close() {
			try {
				this.varve.close();
			}
			finally {
				deleteTree(this.directory);
			}
		}

	}

	/** Settings of an extension registered in code. */
	public static final class Builder {

		private Durability durability = Durability.NO_SYNC;

		private boolean perClass;

		private Clock clock;

		private Consumer<VarveBuilder> customizer = (builder) -> {
		};

		private Builder() {
		}

		/**
		 * @param value how commits are made durable ({@code NO_SYNC} by default)
		 * @return this builder
		 */
		public Builder durability(Durability value) {
			this.durability = value;
			return this;
		}

		/**
		 * @param value whether one store serves every test of the class
		 * @return this builder
		 */
		public Builder perClass(boolean value) {
			this.perClass = value;
			return this;
		}

		/**
		 * @param value the clock that stamps commits, for deterministic timestamps
		 * @return this builder
		 */
		public Builder clock(Clock value) {
			this.clock = value;
			return this;
		}

		/**
		 * @param value more settings of each store's builder (event types, upcasters,
		 * listeners)
		 * @return this builder
		 */
		public Builder customize(Consumer<VarveBuilder> value) {
			this.customizer = this.customizer.andThen(value);
			return this;
		}

		/** The extension. */
		public VarveExtension build() {
			return new VarveExtension(this.durability, this.perClass, this.clock, this.customizer);
		}

	}

}

package io.varve.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.varve.EventType;
import io.varve.EventTypeConflictException;
import io.varve.InvalidArgumentException;
import io.varve.UnknownEventTypeException;

/**
 * Maps event type names to the user's classes. A name comes from {@link EventType} on the
 * class, else the class's simple name; a class's former names
 * ({@link EventType#aliases()}) map to it too. Classes are known because they were
 * registered on the builder or appended in this process; a class is never loaded by a
 * name read from stored data.
 */
public final class EventTypeRegistry {

	private static final ClassValue<TypeName> NAMES = new ClassValue<>() {
		@Override
		protected TypeName computeValue(Class<?> type) {
			return TypeName.of(type);
		}
	};

	private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

	/** Former names (aliases) to the current names of their classes. */
	private final Map<String, String> aliases = new ConcurrentHashMap<>();

	private volatile Consumer<Class<?>> registered = (type) -> {
	};

	/**
	 * The type name of an event class.
	 * @param type the class
	 * @return its type name
	 * @throws InvalidArgumentException if the class cannot be an event type
	 */
	public static String nameOf(Class<?> type) {
		if (type == null) {
			throw new InvalidArgumentException("Event class must not be null");
		}
		return NAMES.get(type).name();
	}

	/**
	 * Registers the class of an event being appended and returns its type name in UTF-8.
	 * @param type the class
	 * @return the name's bytes (shared: do not modify)
	 * @throws EventTypeConflictException if another class already has that name
	 */
	public byte[] registerForAppend(Class<?> type) {
		TypeName name = NAMES.get(type);
		Class<?> existing = this.classes.get(name.name());
		if (existing != type) {
			register(type);
		}
		return name.utf8();
	}

	/**
	 * The schema version events of a class are stored with ({@link EventType#version()}).
	 * @param type the class
	 * @return its version, 1 without the annotation
	 */
	public static int versionOf(Class<?> type) {
		return NAMES.get(type).version();
	}

	/**
	 * Sets what is told about each class registered from now on, after its name is
	 * claimed (the schema checks of the store's events).
	 * @param listener told the class; may throw to refuse it
	 */
	public void onRegister(Consumer<Class<?>> listener) {
		this.registered = listener;
	}

	/**
	 * Registers a class under its type name.
	 * @param type the event class
	 * @return its type name
	 * @throws EventTypeConflictException if another class already has that name
	 */
	public String register(Class<?> type) {
		TypeName typeName = NAMES.get(type);
		String name = typeName.name();
		Class<?> existing = this.classes.get(name);
		if (existing == type) {
			return name;
		}
		synchronized (this) {
			existing = this.classes.get(name);
			if (existing == type) {
				return name;
			}
			if (existing != null) {
				throw new EventTypeConflictException(
						"Event type name '" + name + "' is claimed by both " + existing.getName() + " and "
								+ type.getName() + "; give one of them a distinct name with @EventType(\"...\")");
			}
			String aliasOf = this.aliases.get(name);
			if (aliasOf != null) {
				throw new EventTypeConflictException("Event type name '" + name + "' of " + type.getName()
						+ " is a former name (alias) of " + this.classes.get(aliasOf).getName()
						+ "; stored events of that name would be read as both. Give " + type.getName()
						+ " another name, or remove the alias");
			}
			for (String alias : typeName.aliases()) {
				Class<?> named = this.classes.get(alias);
				String claimed = this.aliases.get(alias);
				if (named != null || (claimed != null && !claimed.equals(name))) {
					Class<?> other = (named != null) ? named : this.classes.get(claimed);
					throw new EventTypeConflictException("The alias '" + alias + "' of " + type.getName() + " is also "
							+ ((named != null) ? "the type name" : "an alias") + " of " + other.getName()
							+ "; a stored event of that name can be read as only one class");
				}
			}
			for (String alias : typeName.aliases()) {
				this.aliases.put(alias, name);
			}
			this.classes.put(name, type);
			try {
				this.registered.accept(type);
			}
			catch (RuntimeException ex) {
				this.classes.remove(name);
				typeName.aliases().forEach(this.aliases::remove);
				throw ex;
			}
			return name;
		}
	}

	/**
	 * The current type name for a stored one: the name of the class that lists it among
	 * its aliases, else the name itself.
	 * @param stored the stored type name
	 * @return the current name
	 */
	public String currentName(String stored) {
		return this.aliases.getOrDefault(stored, stored);
	}

	/**
	 * The former names (aliases) of the class registered under a type name.
	 * @param name the current type name
	 * @return its aliases, empty when none or when no class of that name is known
	 */
	public List<String> aliasesOf(String name) {
		Class<?> type = this.classes.get(name);
		return (type != null) ? NAMES.get(type).aliases() : List.of();
	}

	/** Whether any registered class has aliases. */
	public boolean hasAliases() {
		return !this.aliases.isEmpty();
	}

	/**
	 * Registers several classes.
	 * @param types the classes
	 */
	public void registerAll(Collection<Class<?>> types) {
		types.forEach(this::register);
	}

	/**
	 * The class registered for a type name.
	 * @param name the type name
	 * @return the class, or empty when no class of that name is known in this process
	 */
	public Optional<Class<?>> classFor(String name) {
		Class<?> type = this.classes.get(name);
		if (type == null) {
			String current = this.aliases.get(name);
			type = (current != null) ? this.classes.get(current) : null;
		}
		return Optional.ofNullable(type);
	}

	/**
	 * The class registered for a type name, for decoding an event of that type.
	 * @param name the type name
	 * @param event the event, for the message (its id and position)
	 * @return the class
	 * @throws UnknownEventTypeException if no class of that name is known in this process
	 */
	public Class<?> requireClassFor(String name, Supplier<String> event) {
		return classFor(name).orElseThrow(() -> new UnknownEventTypeException("No class is registered for event type '"
				+ name + "' (" + event.get() + "); register it with Varve.builder().eventTypes(...) or read it with "
				+ "dataAs(YourClass.class)"));
	}

	/** A snapshot of the registered names and classes. */
	public Map<String, Class<?>> registered() {
		return Map.copyOf(this.classes);
	}

	private record TypeName(String name, byte[] utf8, int version, List<String> aliases) {

		static TypeName of(Class<?> type) {
			if (type.isPrimitive() || type.isArray() || type.isAnonymousClass() || type.isSynthetic()
					|| type.isInterface() || type.isEnum() || isJdkType(type)) {
				throw new InvalidArgumentException("Cannot use " + type.getTypeName()
						+ " as an event: events are your own named classes (records or POJOs); wrap the value in a record");
			}
			EventType annotation = type.getAnnotation(EventType.class);
			String name = (annotation != null && !annotation.value().isEmpty()) ? annotation.value()
					: type.getSimpleName();
			Names.name("event type name of " + type.getName(), name);
			int version = (annotation != null) ? annotation.version() : 1;
			if (version < 1) {
				throw new InvalidArgumentException("The schema version of " + type.getName() + " is " + version
						+ "; versions start at 1 (@EventType(version = 1))");
			}
			List<String> aliases = new ArrayList<>();
			if (annotation != null) {
				for (String alias : annotation.aliases()) {
					Names.name("alias of event type " + type.getName(), alias);
					if (alias.equals(name) || aliases.contains(alias)) {
						throw new InvalidArgumentException("The alias '" + alias + "' of " + type.getName()
								+ " repeats its name or another alias; list each former name once");
					}
					aliases.add(alias);
				}
			}
			return new TypeName(name, name.getBytes(StandardCharsets.UTF_8), version, List.copyOf(aliases));
		}

		private static boolean isJdkType(Class<?> type) {
			String name = type.getName();
			return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
					|| name.startsWith("sun.");
		}

	}

}

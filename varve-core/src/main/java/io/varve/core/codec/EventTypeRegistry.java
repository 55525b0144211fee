package io.varve.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.varve.EventType;
import io.varve.EventTypeConflictException;
import io.varve.InvalidArgumentException;

/**
 * Maps event type names to the user's classes. A name comes from {@link EventType} on the
 * class, else the class's simple name. Classes are known because they were registered on
 * the builder or appended in this process; a class is never loaded by a name read from
 * stored data.
 */
public final class EventTypeRegistry {

	private static final ClassValue<TypeName> NAMES = new ClassValue<>() {
		@Override
		protected TypeName computeValue(Class<?> type) {
			return TypeName.of(type);
		}
	};

	private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

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
	 * Registers a class under its type name.
	 * @param type the event class
	 * @return its type name
	 * @throws EventTypeConflictException if another class already has that name
	 */
	public String register(Class<?> type) {
		String name = nameOf(type);
		Class<?> existing = this.classes.putIfAbsent(name, type);
		if (existing != null && existing != type) {
			throw new EventTypeConflictException(
					"Event type name '" + name + "' is claimed by both " + existing.getName() + " and " + type.getName()
							+ "; give one of them a distinct name with @EventType(\"...\")");
		}
		return name;
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
		return Optional.ofNullable(this.classes.get(name));
	}

	/** A snapshot of the registered names and classes. */
	public Map<String, Class<?>> registered() {
		return Map.copyOf(this.classes);
	}

	private record TypeName(String name, byte[] utf8) {

		static TypeName of(Class<?> type) {
			if (type.isPrimitive() || type.isArray() || type.isAnonymousClass() || type.isSynthetic()
					|| type.isInterface() || type.isEnum() || isJdkType(type)) {
				throw new InvalidArgumentException("Cannot use " + type.getTypeName()
						+ " as an event: events are your own named classes (records or POJOs); wrap the value in a record");
			}
			EventType annotation = type.getAnnotation(EventType.class);
			String name = (annotation != null) ? annotation.value() : type.getSimpleName();
			Names.name("event type name of " + type.getName(), name);
			return new TypeName(name, name.getBytes(StandardCharsets.UTF_8));
		}

		private static boolean isJdkType(Class<?> type) {
			String name = type.getName();
			return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
					|| name.startsWith("sun.");
		}

	}

}

package io.varve;

/**
 * An event or its metadata cannot be stored: Jackson failed to encode it (an accessor
 * threw, it refers back to itself), or it holds a value Jackson would store without its
 * state, which Varve refuses rather than lose data: a class whose fields Jackson cannot
 * see (private, without getters), a JDK class Jackson has no serializer for (a plain
 * {@code Object}, a {@code Thread}), a {@code Class}, or a type id that is a class name.
 * Thrown by an append, which then wrote nothing, or by {@link VarveBuilder#open()} for a
 * registered event class, before the store is touched. The message names the class, the
 * property and what to do.
 */
public class EventSerializationException extends VarveException {

	private static final long serialVersionUID = 1L;

	public EventSerializationException(String message) {
		super(message);
	}

	public EventSerializationException(String message, Throwable cause) {
		super(message, cause);
	}

}

package io.varve.core.codec;

import java.util.List;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.exc.InvalidDefinitionException;

import io.varve.EventSerializationException;

/**
 * Turns a failure to write a value into a message that says what failed and what to do,
 * in a few lines. A value that refers back to itself is named as a cycle (classes and
 * properties) instead of Jackson's path of hundreds of steps, and carries no cause:
 * Jackson's exception from the bottom of a 500-level recursion holds a thousand stack
 * frames that only hide the message.
 */
final class SerializationFailures {

	private static final String CYCLE_FIX = "Keep an id of the referenced object instead of the object, or mark the "
			+ "back reference @JsonIgnore";

	private SerializationFailures() {
	}

	/**
	 * Describes a failure to write a value.
	 * @param value the value
	 * @param what what the value is, e.g. "event 3 of the append to 'account-1'"
	 * @param failure what Jackson threw
	 * @return the exception to throw
	 */
	static EventSerializationException of(Object value, String what, Throwable failure) {
		String subject = "Cannot store " + what + " (class " + value.getClass().getName() + ")";
		if (!(failure instanceof JacksonException jackson)) {
			if (failure instanceof StackOverflowError) {
				return new EventSerializationException(subject
						+ ": writing it overflowed the stack, so it nests too deeply, most likely because it refers "
						+ "back to itself. " + CYCLE_FIX);
			}
			return new EventSerializationException(subject + ": " + failure + ". " + hint(value), failure);
		}
		List<JacksonException.Reference> path = jackson.getPath();
		String where = path(path);
		RefusedSerializer.RefusedValueException refused = refusal(jackson);
		if (refused != null) {
			return new EventSerializationException(subject + ": " + refused.refusal().describe(where));
		}
		String cycle = cycle(jackson, path);
		if (cycle != null) {
			return new EventSerializationException(
					subject + ": it refers back to itself (" + cycle + "), a cycle Jackson cannot write. " + CYCLE_FIX);
		}
		if (jackson instanceof StreamConstraintsException) {
			return new EventSerializationException(subject + ": " + jackson.getOriginalMessage()
					+ ". Flatten it, or raise the limit in the mapper's StreamWriteConstraints");
		}
		Throwable cause = jackson.getCause();
		if (cause != null && !(cause instanceof JacksonException)) {
			// An accessor threw: name it and keep its exception, which is short.
			return new EventSerializationException(subject + ": reading " + (where.isEmpty() ? "it" : "'" + where + "'")
					+ " threw " + cause + ". Fix that accessor, or mark it @JsonIgnore if it is not part of the state",
					cause);
		}
		return new EventSerializationException(
				subject + ": Jackson cannot write " + (where.isEmpty() ? "it" : "'" + where + "'") + ": "
						+ jackson.getOriginalMessage() + ". " + hint(value),
				jackson);
	}

	private static String hint(Object value) {
		if (value.getClass().isRecord()) {
			return "Each component of the record must be a value Jackson can write and read back; "
					+ "change the type named above, or register the Jackson module it needs on the mapper";
		}
		return "Make it a record or a class with getters (or Jackson annotations) for its state";
	}

	private static RefusedSerializer.@Nullable RefusedValueException refusal(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof RefusedSerializer.RefusedValueException refused) {
				return refused;
			}
		}
		return null;
	}

	/**
	 * The cycle in a path, as "Node.children[0] -> Node": the first object met twice and
	 * the steps between. Jackson reports a direct self-reference before it recurses, with
	 * the path ending at the property that holds the object itself.
	 */
	private static @Nullable String cycle(JacksonException failure, List<JacksonException.Reference> path) {
		for (int end = 1; end < path.size(); end++) {
			Object object = path.get(end).from();
			for (int start = 0; start < end; start++) {
				if (object != null && path.get(start).from() == object) {
					return steps(path.subList(start, end)) + " -> " + simpleName(object);
				}
			}
		}
		if (failure instanceof InvalidDefinitionException && !path.isEmpty()
				&& String.valueOf(failure.getOriginalMessage()).contains("self-reference")) {
			JacksonException.Reference last = path.get(path.size() - 1);
			return steps(path.subList(path.size() - 1, path.size())) + " -> " + simpleName(last.from());
		}
		return null;
	}

	private static String steps(List<JacksonException.Reference> references) {
		StringBuilder sb = new StringBuilder();
		for (JacksonException.Reference reference : references) {
			if (reference.getPropertyName() != null) {
				sb.append((sb.length() > 0) ? " -> " : "").append(simpleName(reference.from())).append('.');
				sb.append(reference.getPropertyName());
			}
			else {
				sb.append('[').append(reference.getIndex()).append(']');
			}
		}
		return sb.toString();
	}

	private static String simpleName(Object object) {
		return (object != null) ? object.getClass().getSimpleName() : "?";
	}

	/** A path as "items[2].owner"; empty for the value itself. */
	private static String path(List<JacksonException.Reference> path) {
		StringBuilder sb = new StringBuilder();
		for (JacksonException.Reference reference : path) {
			if (reference.getPropertyName() != null) {
				sb.append((sb.length() > 0) ? "." : "").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				sb.append('[').append(reference.getIndex()).append(']');
			}
		}
		return sb.toString();
	}

}

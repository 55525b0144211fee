package io.varve.core.codec;

import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.jsonFormatVisitors.JsonArrayFormatVisitor;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitable;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import tools.jackson.databind.jsonFormatVisitors.JsonMapFormatVisitor;
import tools.jackson.databind.jsonFormatVisitors.JsonObjectFormatVisitor;
import tools.jackson.databind.ser.BeanPropertyWriter;

import io.varve.EventSerializationException;

/**
 * Checks an event class before any value of it exists: walks what Jackson would write for
 * it (its properties, their element and value types) and fails on the first type
 * {@link ValueRules} refuses. Only declared types that fix the runtime class are judged:
 * a property declared as {@code Object}, an interface or an abstract class may hold
 * anything, and its values are judged when they are appended.
 * <p>
 * The walk is Jackson's own schema visitor, so it sees the properties, serializers and
 * annotations the mapper will use, and it leaves the serializers it built in the mapper's
 * cache for the first append.
 */
final class ClassWriteCheck extends JsonFormatVisitorWrapper.Base {

	private final Set<JavaType> seen;

	private final String path;

	private ClassWriteCheck(SerializationContext context, Set<JavaType> seen, String path) {
		super(context);
		this.seen = seen;
		this.path = path;
	}

	/**
	 * Checks that values of an event class can be stored.
	 * @param mapper the mapper events are written with
	 * @param type the event class
	 * @throws EventSerializationException if they cannot, saying why and what to do
	 */
	static void check(ObjectMapper mapper, Class<?> type) {
		try {
			mapper.acceptJsonFormatVisitor(type, new ClassWriteCheck(null, new HashSet<>(), ""));
		}
		catch (Refused refused) {
			throw new EventSerializationException(
					"Event class " + type.getName() + " cannot be stored: " + refused.refusal.describe(refused.path));
		}
		catch (JacksonException ex) {
			throw new EventSerializationException(
					"Event class " + type.getName() + " cannot be stored: Jackson cannot build a serializer for it: "
							+ ex.getOriginalMessage() + ". Fix the class or its Jackson annotations",
					ex);
		}
	}

	void refused(ValueRules.Refusal refusal, JavaType type) {
		if (fixesRuntimeClass(type)) {
			throw new Refused(refusal, this.path);
		}
	}

	@Override
	public JsonObjectFormatVisitor expectObjectFormat(JavaType type) {
		return new JsonObjectFormatVisitor.Base(getContext()) {
			@Override
			public void property(BeanProperty property) {
				visitProperty(property);
			}

			@Override
			public void optionalProperty(BeanProperty property) {
				visitProperty(property);
			}
		};
	}

	@Override
	public JsonArrayFormatVisitor expectArrayFormat(JavaType type) {
		return new JsonArrayFormatVisitor.Base(getContext()) {
			@Override
			public void itemsFormat(JsonFormatVisitable handler, JavaType elementType) {
				visit(elementType, null, ClassWriteCheck.this.path + "[]");
			}
		};
	}

	@Override
	public JsonMapFormatVisitor expectMapFormat(JavaType type) {
		return new JsonMapFormatVisitor.Base(getContext()) {
			@Override
			public void valueFormat(JsonFormatVisitable handler, JavaType valueType) {
				visit(valueType, null, ClassWriteCheck.this.path + "[]");
			}
		};
	}

	private void visitProperty(BeanProperty property) {
		// A property's own serializer (an annotation, a final type) is the one used.
		ValueSerializer<Object> serializer = (property instanceof BeanPropertyWriter writer && writer.hasSerializer())
				? writer.getSerializer() : null;
		String child = this.path.isEmpty() ? property.getName() : this.path + "." + property.getName();
		visit(property.getType(), serializer, child);
	}

	private void visit(JavaType type, ValueSerializer<Object> known, String child) {
		boolean container = type.isContainerType() || type.isReferenceType();
		if (!(container || fixesRuntimeClass(type)) || !this.seen.add(type)) {
			return;
		}
		SerializationContext context = getContext();
		ValueSerializer<Object> serializer = (known != null) ? known : context.findValueSerializer(type);
		serializer.acceptJsonFormatVisitor(new ClassWriteCheck(context, this.seen, child), type);
	}

	/**
	 * Whether every value of a declared type has that very class (or a subclass of it).
	 */
	private static boolean fixesRuntimeClass(JavaType type) {
		Class<?> raw = type.getRawClass();
		return !type.isJavaLangObject() && !raw.isInterface() && !raw.isPrimitive()
				&& (raw.isArray() || !Modifier.isAbstract(raw.getModifiers()));
	}

	/** Ends the walk at the first refused type. */
	private static final class Refused extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient ValueRules.Refusal refusal;

		private final String path;

		Refused(ValueRules.Refusal refusal, String path) {
			super(null, null, false, false);
			this.refusal = refusal;
			this.path = path;
		}

	}

}

package io.varve.core.codec;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import tools.jackson.databind.jsontype.TypeSerializer;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Stands in for the serializer of a class {@link ValueRules} refuses. Jackson caches it
 * like any serializer, so the class is judged once and each value of it fails at once. A
 * null never reaches it, so a refused type that is always null costs nothing.
 */
final class RefusedSerializer extends StdSerializer<Object> {

	private final ValueRules.Refusal refusal;

	RefusedSerializer(ValueRules.Refusal refusal) {
		super(refusal.type());
		this.refusal = refusal;
	}

	@Override
	public void serialize(Object value, JsonGenerator generator, SerializationContext context) {
		throw new RefusedValueException(this.refusal);
	}

	@Override
	public void serializeWithType(Object value, JsonGenerator generator, SerializationContext context,
			TypeSerializer typeSerializer) {
		throw new RefusedValueException(this.refusal);
	}

	@Override
	public boolean isEmpty(SerializationContext context, Object value) {
		// Never "empty": an inclusion rule must not silently drop the value instead.
		return value == null;
	}

	@Override
	public void acceptJsonFormatVisitor(JsonFormatVisitorWrapper visitor, JavaType type) {
		if (visitor instanceof ClassWriteCheck check) {
			check.refused(this.refusal, type);
		}
		else {
			super.acceptJsonFormatVisitor(visitor, type);
		}
	}

	/**
	 * A value of a refused class was about to be written. A Jackson exception, so that
	 * Jackson adds the property path as it passes through the enclosing serializers.
	 */
	static final class RefusedValueException extends DatabindException {

		private static final long serialVersionUID = 1L;

		private final transient ValueRules.Refusal refusal;

		RefusedValueException(ValueRules.Refusal refusal) {
			super(refusal.reason());
			this.refusal = refusal;
		}

		ValueRules.Refusal refusal() {
			return this.refusal;
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			// Its message says everything; the stack would only be Jackson's frames.
			return this;
		}

	}

}

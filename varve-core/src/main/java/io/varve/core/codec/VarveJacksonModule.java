package io.varve.core.codec;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import tools.jackson.core.Version;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.ser.ValueSerializerModifier;

/**
 * Varve's Jackson module: makes a mapper refuse values it would store without their state
 * (see {@link ValueRules}). The check runs where Jackson builds the serializer of a
 * class, and Jackson caches serializers per class, so appends pay nothing per event for
 * it. Varve adds it to every mapper it is given.
 */
public final class VarveJacksonModule extends JacksonModule {

	private static final long serialVersionUID = 1L;

	@Override
	public String getModuleName() {
		return "varve";
	}

	@Override
	public Version version() {
		return Version.unknownVersion();
	}

	@Override
	public void setupModule(SetupContext context) {
		context.addSerializerModifier(new Modifier());
	}

	private static final class Modifier extends ValueSerializerModifier {

		private static final long serialVersionUID = 1L;

		@Override
		public ValueSerializer<?> modifySerializer(SerializationConfig config, BeanDescription.Supplier description,
				ValueSerializer<?> serializer) {
			ValueRules.Refusal refusal = ValueRules.check(description.getBeanClass(), serializer,
					description.getClassInfo().getAnnotation(JsonTypeInfo.class));
			return (refusal != null) ? new RefusedSerializer(refusal) : serializer;
		}

	}

}

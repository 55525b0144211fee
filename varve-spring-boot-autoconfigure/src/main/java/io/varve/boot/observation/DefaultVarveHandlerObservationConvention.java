package io.varve.boot.observation;

import io.micrometer.common.KeyValues;

/**
 * Observation {@code varve.processor.handle}: low-cardinality tags
 * {@code varve.processor} and {@code varve.event.type} (Micrometer adds {@code error});
 * high-cardinality {@code varve.stream} and {@code varve.position}.
 */
public class DefaultVarveHandlerObservationConvention implements VarveHandlerObservationConvention {

	/** The one instance. */
	public static final DefaultVarveHandlerObservationConvention INSTANCE = new DefaultVarveHandlerObservationConvention();

	@Override
	public String getName() {
		return "varve.processor.handle";
	}

	@Override
	public String getContextualName(VarveHandlerContext context) {
		return "varve handle " + context.getProcessor();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(VarveHandlerContext context) {
		return KeyValues.of("varve.processor", context.getProcessor(), "varve.event.type", context.getEvent().type());
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(VarveHandlerContext context) {
		return KeyValues.of("varve.stream", context.getEvent().stream(), "varve.position",
				String.valueOf(context.getEvent().position()));
	}

}

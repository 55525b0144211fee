package io.varve.boot.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags a handler invocation's observation; define a bean of this type to change
 * them.
 */
public interface VarveHandlerObservationConvention extends ObservationConvention<VarveHandlerContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof VarveHandlerContext;
	}

}

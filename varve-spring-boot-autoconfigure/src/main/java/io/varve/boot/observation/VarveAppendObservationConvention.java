package io.varve.boot.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags an append's observation; define a bean of this type to change them.
 */
public interface VarveAppendObservationConvention extends ObservationConvention<VarveAppendContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof VarveAppendContext;
	}

}

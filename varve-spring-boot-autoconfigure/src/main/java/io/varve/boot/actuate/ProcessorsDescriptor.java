package io.varve.boot.actuate;

import java.util.List;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * Every processor of a store, returned by {@code GET /actuator/varve/processors}, read
 * from one snapshot.
 *
 * @param headPosition the head position every lag is measured against
 * @param processors the processors, in name order
 */
public record ProcessorsDescriptor(long headPosition,
		List<ProcessorDescriptor> processors) implements OperationResponseBody {

}

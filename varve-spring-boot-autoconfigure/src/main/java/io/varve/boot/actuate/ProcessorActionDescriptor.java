package io.varve.boot.actuate;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What a write operation on a processor did, returned by {@code POST
 * /actuator/varve/processors/{name}}.
 *
 * @param processor the processor's name
 * @param action the action taken
 * @param position the position it was given, or null
 * @param result what happened, in words
 * @param status the processor's status once the action returned
 */
public record ProcessorActionDescriptor(String processor, String action, Long position, String result,
		ProcessorDescriptor status) implements OperationResponseBody {

}

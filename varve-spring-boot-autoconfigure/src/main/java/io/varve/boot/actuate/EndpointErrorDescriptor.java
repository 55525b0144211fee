package io.varve.boot.actuate;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The body of a {@code varve} endpoint response that is not a success, with the reason in
 * words.
 *
 * @param status the HTTP status
 * @param error the status's reason phrase
 * @param message what was wrong and what to do
 */
public record EndpointErrorDescriptor(int status, String error, String message) implements OperationResponseBody {

}

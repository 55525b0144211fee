package io.varve;

import java.io.Serial;

/**
 * The event classes and upcasters cannot read every event in the store: two upcasters
 * read the same type and version, a chain of upcasters has a gap, or stored events are of
 * a schema version no chain leads from to their class's version. Thrown when the store
 * opens or a class is first registered, before any event is read wrongly; the message
 * names the type, the versions and the upcaster to write.
 */
public class EventSchemaException extends VarveException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what is wrong and what to do
	 */
	public EventSchemaException(String message) {
		super(message);
	}

}

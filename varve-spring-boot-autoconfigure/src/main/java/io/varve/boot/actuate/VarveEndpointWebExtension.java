package io.varve.boot.actuate;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import io.varve.InvalidArgumentException;
import io.varve.ReadOnlyStoreException;
import io.varve.VarveClosedException;
import io.varve.processor.ProcessorStateException;
import io.varve.processor.UnknownProcessorException;

/**
 * The {@link VarveEndpoint} over HTTP: the same operations, with the status an HTTP
 * client expects and the reason in the body ({@link EndpointErrorDescriptor}). Unknown
 * stream or processor: 404. Bad arguments (unknown action, negative position, position
 * past the head, bad page size): 400. An action the processor's state or a read-only
 * store does not allow: 409. A closed store: 503. When an {@link OperationsPage} is
 * given, it is served under {@code /actuator/varve/ui}.
 */
@EndpointWebExtension(endpoint = VarveEndpoint.class)
public class VarveEndpointWebExtension {

	private final VarveEndpoint delegate;

	private final @Nullable OperationsPage page;

	/**
	 * Creates the extension, without the operations page.
	 * @param delegate the endpoint
	 */
	public VarveEndpointWebExtension(VarveEndpoint delegate) {
		this(delegate, null);
	}

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 * @param page the operations page to serve under {@code /actuator/varve/ui}, or null
	 * for none
	 */
	public VarveEndpointWebExtension(VarveEndpoint delegate, @Nullable OperationsPage page) {
		this.delegate = delegate;
		this.page = page;
	}

	/**
	 * {@code GET /actuator/varve/streams}, {@code GET /actuator/varve/processors},
	 * {@code GET /actuator/varve/events} and the operations page, {@code GET
	 * /actuator/varve/ui}.
	 * @param section {@code streams}, {@code processors}, {@code events} or {@code ui}
	 * @param prefix streams: only names starting with this
	 * @param after streams: only names after this one
	 * @param name streams: the one stream to describe
	 * @param limit streams and events: the page size
	 * @param stream events: the stream whose events to list
	 * @param from events: the first version to list
	 * @return the section, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<?> section(@Selector String section, @Nullable String prefix, @Nullable String after,
			@Nullable String name, @Nullable Integer limit, @Nullable String stream, @Nullable Long from) {
		if (OperationsPage.SECTION.equals(section)) {
			return (this.page != null) ? this.page.index() : error(WebEndpointResponse.STATUS_NOT_FOUND, "Not Found",
					"The operations page is off: set varve.ui.enabled=true to serve it");
		}
		return respond(() -> this.delegate.section(section, prefix, after, name, limit, stream, from),
				() -> notFound(section, (stream != null) ? stream : name));
	}

	/**
	 * {@code GET /actuator/varve/streams/{name}} and {@code GET
	 * /actuator/varve/processors/{name}}.
	 * @param section {@code streams} or {@code processors}
	 * @param name the name's path segments
	 * @param after processors: list parked events after this position
	 * @param limit processors: the most parked events to list
	 * @return the stream or processor, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<?> item(@Selector String section, @Selector(match = Match.ALL_REMAINING) String[] name,
			@Nullable Long after, @Nullable Integer limit) {
		if (OperationsPage.SECTION.equals(section)) {
			String file = String.join("/", name);
			WebEndpointResponse<Object> response = (this.page != null) ? this.page.file(file) : null;
			// The page's links are relative to /actuator/varve/ui, so /ui/ cannot serve
			// it.
			return (response != null) ? response
					: error(WebEndpointResponse.STATUS_NOT_FOUND, "Not Found",
							file.isEmpty() ? "Open the operations page without the trailing slash: .../varve/ui"
									: "No such file of the operations page");
		}
		return respond(() -> this.delegate.item(section, name, after, limit),
				() -> notFound(section, String.join("/", name)));
	}

	/**
	 * {@code POST /actuator/varve/processors/{name}} with {@code action} and
	 * {@code position} in a JSON body.
	 * @param section {@code processors}
	 * @param name the processor's name segments
	 * @param action the action
	 * @param position the position the action needs
	 * @return what was done, or an error
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> processorAction(@Selector String section,
			@Selector(match = Match.ALL_REMAINING) String[] name, @Nullable String action, @Nullable Long position) {
		return respond(() -> this.delegate.processorAction(section, name, action, position),
				() -> notFound(section, String.join("/", name)));
	}

	private static WebEndpointResponse<OperationResponseBody> respond(Supplier<OperationResponseBody> operation,
			Supplier<String> notFound) {
		try {
			OperationResponseBody body = operation.get();
			return (body != null) ? new WebEndpointResponse<>(body)
					: error(WebEndpointResponse.STATUS_NOT_FOUND, "Not Found", notFound.get());
		}
		catch (InvalidEndpointRequestException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Bad Request", ex.getReason());
		}
		catch (InvalidArgumentException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Bad Request", ex.getMessage());
		}
		catch (UnknownProcessorException ex) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "Not Found", ex.getMessage());
		}
		catch (ProcessorStateException | ReadOnlyStoreException ex) {
			return error(409, "Conflict", ex.getMessage());
		}
		catch (VarveClosedException ex) {
			return error(503, "Service Unavailable", ex.getMessage());
		}
	}

	private static WebEndpointResponse<OperationResponseBody> error(int status, String error, String message) {
		return new WebEndpointResponse<>(new EndpointErrorDescriptor(status, error, message), status);
	}

	private static String notFound(String section, @Nullable String name) {
		if (VarveEndpoint.STREAMS.equals(section)) {
			return "No stream named '" + name + "'";
		}
		if (VarveEndpoint.PROCESSORS.equals(section)) {
			return "No processor named '" + name + "' is registered";
		}
		if (VarveEndpoint.EVENTS.equals(section)) {
			return "No stream named '" + name + "'";
		}
		return "No section '" + section
				+ "': use /actuator/varve/streams, /actuator/varve/processors or /actuator/varve/events";
	}

}

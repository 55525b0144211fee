package io.varve.boot.actuate;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.util.MimeType;

/**
 * The operations page: a few static files shipped in this jar, served by the
 * {@link VarveEndpointWebExtension} under {@code /actuator/varve/ui}, so that the page
 * has the endpoint's exposure, port, base path and security, and calls the endpoint's own
 * operations from the browser. Only the files listed here are served; nothing is resolved
 * from a request's path.
 *
 * <pre>{@code
 * GET /actuator/varve/ui                 the page
 * GET /actuator/varve/ui/varve-ui.js     its script (no framework, no build step)
 * GET /actuator/varve/ui/varve-ui.css    its style sheet
 * GET /actuator/varve/ui/settings        what the page may offer: {"writable":false,"showPayloads":false}
 * }</pre>
 */
public final class OperationsPage {

	/** The section of the endpoint that serves the page. */
	static final String SECTION = "ui";

	private static final String LOCATION = "io/varve/boot/actuate/ui/";

	private static final Map<String, MimeType> FILES = Map.of("index.html",
			new MimeType("text", "html", StandardCharsets.UTF_8), "varve-ui.js",
			new MimeType("text", "javascript", StandardCharsets.UTF_8), "varve-ui.css",
			new MimeType("text", "css", StandardCharsets.UTF_8));

	private final SettingsDescriptor settings;

	/**
	 * Creates the page.
	 * @param writable whether the endpoint's write operations are available, so that the
	 * page shows its buttons
	 * @param showPayloads whether the endpoint lists event payloads
	 */
	public OperationsPage(boolean writable, boolean showPayloads) {
		this.settings = new SettingsDescriptor(writable, showPayloads);
	}

	/**
	 * The settings the page reads at start.
	 * @return the settings
	 */
	public SettingsDescriptor settings() {
		return this.settings;
	}

	/** The page itself. */
	WebEndpointResponse<Object> index() {
		return file("index.html");
	}

	/**
	 * A file of the page, or its settings.
	 * @param name the file's name
	 * @return the file, or null when the page has no file of that name
	 */
	@Nullable WebEndpointResponse<Object> file(String name) {
		if ("settings".equals(name)) {
			return new WebEndpointResponse<>(this.settings);
		}
		MimeType type = FILES.get(name);
		if (type == null) {
			return null;
		}
		Resource resource = new ClassPathResource(LOCATION + name, OperationsPage.class.getClassLoader());
		return new WebEndpointResponse<>(resource, WebEndpointResponse.STATUS_OK, type);
	}

	/**
	 * What the page may offer.
	 *
	 * @param writable whether the endpoint's write operations are available
	 * ({@code management.endpoint.varve.access=unrestricted}); the page shows its write
	 * buttons only then
	 * @param showPayloads whether event listings include payloads
	 * ({@code varve.ui.show-payloads})
	 */
	public record SettingsDescriptor(boolean writable, boolean showPayloads) implements OperationResponseBody {

	}

}

package io.varve.boot.actuate.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.boot.actuate.http.OperationsTestApplication.Deposited;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code varve.ui.*} settings: no operations page, and an event listing without
 * payloads or metadata.
 */
@SpringBootTest(classes = OperationsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "varve.durability=no-sync", "management.endpoints.web.exposure.include=health,varve" })
@DirtiesContext
class OperationsPageOffHttpTests {

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void store(DynamicPropertyRegistry registry) {
		registry.add("varve.path", () -> dir.toString());
	}

	@LocalServerPort
	int port;

	@Autowired
	Varve varve;

	@Test
	void thereIsNoPage() {
		assertThat(get(this.port, "/actuator/varve/ui").statusCode()).isEqualTo(404);
		assertThat(get(this.port, "/actuator/varve/ui/varve-ui.js").statusCode()).isEqualTo(404);
		assertThat(get(this.port, "/actuator/varve/ui/settings").statusCode()).isEqualTo(404);
	}

	@Test
	void eventsListShowsEnvelopesButNeverPayloadsOrMetadata() {
		this.varve.append("quiet-1", ExpectedVersion.any(),
				EventData.of(new Deposited(5, "secret note")).withMetadata(Map.of("user", "ops")));
		Http.Response page = new Http(this.port).get("/actuator/varve/events?stream=quiet-1");
		assertThat(page.status()).isEqualTo(200);
		JsonNode event = page.json().get("events").get(0);
		assertThat(event.get("type").asString()).isEqualTo("Deposited");
		assertThat(event.has("data")).isFalse();
		assertThat(event.has("metadata")).isFalse();
		assertThat(page.body()).doesNotContain("secret note", "ops");
	}

	private static HttpResponse<String> get(int port, String path) {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
						HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

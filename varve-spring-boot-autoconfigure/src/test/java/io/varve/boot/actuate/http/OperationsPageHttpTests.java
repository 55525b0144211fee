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
 * The operations page over HTTP, with {@code varve.ui.enabled=true} and
 * {@code varve.ui.show-payloads=true}: served by the {@code varve} endpoint under
 * {@code /actuator/varve/ui}, its settings telling the page that writes are not allowed
 * (the endpoint's default access), and the endpoint's event listing with payloads. The
 * browser tests of the page itself are in the sample application.
 */
@SpringBootTest(classes = OperationsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "varve.durability=no-sync", "management.endpoints.web.exposure.include=health,varve",
				"varve.ui.enabled=true", "varve.ui.show-payloads=true" })
@DirtiesContext
class OperationsPageHttpTests {

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
	void servesThePageAndItsFilesWithTheirContentTypes() {
		HttpResponse<String> page = get(this.port, "/actuator/varve/ui");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("<title>Varve operations</title>", "src=\"ui/varve-ui.js\"");
		assertThat(get(this.port, "/actuator/varve/ui/varve-ui.js").headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/javascript"));
		assertThat(get(this.port, "/actuator/varve/ui/varve-ui.css").headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/css"));
	}

	@Test
	void aTrailingSlashIsNotFoundWithTheAddressToUse() {
		HttpResponse<String> page = get(this.port, "/actuator/varve/ui/");
		assertThat(page.statusCode()).isEqualTo(404);
		assertThat(page.body()).contains("without the trailing slash");
	}

	@Test
	void servesOnlyItsOwnFiles() {
		assertThat(get(this.port, "/actuator/varve/ui/application.properties").statusCode()).isEqualTo(404);
		assertThat(get(this.port, "/actuator/varve/ui/../VarveEndpoint.class").statusCode()).isEqualTo(404);
		assertThat(get(this.port, "/actuator/varve/ui/ui/index.html").statusCode()).isEqualTo(404);
	}

	@Test
	void settingsTellThePageThatWritesAreNotAllowedByDefault() {
		Http.Response settings = new Http(this.port).get("/actuator/varve/ui/settings");
		assertThat(settings.status()).isEqualTo(200);
		assertThat(settings.json().get("writable").asBoolean()).isFalse();
		assertThat(settings.json().get("showPayloads").asBoolean()).isTrue();
	}

	@Test
	void aWriteIsMethodNotAllowedWhileTheEndpointIsReadOnly() {
		Http.Response post = new Http(this.port).post("/actuator/varve/processors/picky", "{\"action\":\"pause\"}");
		assertThat(post.status()).isEqualTo(405);
	}

	@Test
	void eventsListShowsEnvelopesAndPayloadsDecodedWithoutTheApplicationsClasses() {
		this.varve.append("ui-1", ExpectedVersion.any(), new Deposited(5, "first"));
		this.varve.append("ui-1", ExpectedVersion.any(),
				EventData.of(new Deposited(7, "second")).withMetadata(Map.of("user", "ops")));
		JsonNode page = new Http(this.port).get("/actuator/varve/events?stream=ui-1&limit=1").json();
		assertThat(page.get("stream").asString()).isEqualTo("ui-1");
		assertThat(page.get("version").asLong()).isEqualTo(2);
		assertThat(page.get("events")).hasSize(1);
		assertThat(page.get("next").asLong()).isEqualTo(2);
		JsonNode first = page.get("events").get(0);
		assertThat(first.get("version").asLong()).isEqualTo(1);
		assertThat(first.get("type").asString()).isEqualTo("Deposited");
		assertThat(first.get("data").get("note").asString()).isEqualTo("first");
		JsonNode second = new Http(this.port).get("/actuator/varve/events?stream=ui-1&from=2").json();
		assertThat(second.has("next")).isFalse();
		assertThat(second.get("events").get(0).get("data").get("amount").asLong()).isEqualTo(7);
		assertThat(second.get("events").get(0).get("metadata").get("user").asString()).isEqualTo("ops");
		assertThat(new Http(this.port).get("/actuator/varve/events?stream=nothing-here").status()).isEqualTo(404);
		assertThat(new Http(this.port).get("/actuator/varve/events").status()).isEqualTo(400);
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

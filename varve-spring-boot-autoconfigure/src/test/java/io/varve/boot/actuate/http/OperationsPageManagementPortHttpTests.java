package io.varve.boot.actuate.http;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the management server on a port of its own, the operations page is served there,
 * under the management base path, and not on the application's port.
 */
@SpringBootTest(classes = OperationsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "varve.durability=no-sync", "management.endpoints.web.exposure.include=varve",
				"management.server.port=0", "management.endpoints.web.base-path=/manage", "varve.ui.enabled=true" })
@DirtiesContext
class OperationsPageManagementPortHttpTests {

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void store(DynamicPropertyRegistry registry) {
		registry.add("varve.path", () -> dir.toString());
	}

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Test
	void theManagementServerServesThePageUnderItsBasePath() {
		assertThat(this.managementPort).isNotEqualTo(this.port);
		Http.Response page = new Http(this.managementPort).get("/manage/varve/ui");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("<title>Varve operations</title>");
		assertThat(new Http(this.managementPort).get("/manage/varve/ui/settings").status()).isEqualTo(200);
		assertThat(new Http(this.port).get("/manage/varve/ui").status()).isEqualTo(404);
		assertThat(new Http(this.port).get("/actuator/varve/ui").status()).isEqualTo(404);
	}

}

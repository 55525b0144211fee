package io.varve.sample;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.varve.test.TemporaryVarveStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bank's HTTP API against a real server on a random port and a real store of its own
 * ({@link TemporaryVarveStore}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TemporaryVarveStore
class BankApiIntegrationTests {

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void store(DynamicPropertyRegistry registry) {
		registry.add("sample.audit.file", () -> dir.resolve("audit.log").toString());
	}

	@LocalServerPort
	int port;

	@org.springframework.beans.factory.annotation.Autowired
	io.varve.Varve varve;

	@org.springframework.beans.factory.annotation.Autowired
	io.varve.processor.ProcessorRegistry processors;

	Http http;

	@BeforeEach
	void client() {
		this.http = new Http(this.port);
	}

	private String open(String owner) {
		Http.Response response = this.http.post("/accounts", "{\"owner\":\"" + owner + "\"}");
		assertThat(response.status()).isEqualTo(201);
		return response.json().get("id").asString();
	}

	@Test
	void depositsWithdrawalsAndTransfersShowInTheBalancesWhenReadConsistently() {
		String alice = open("alice");
		String bob = open("bob");
		Http.Response deposit = this.http.post("/accounts/" + alice + "/deposits", "{\"amount\":1000}");
		assertThat(deposit.status()).isEqualTo(200);
		assertThat(deposit.json().get("version").asLong()).isEqualTo(2);
		assertThat(this.http.post("/accounts/" + alice + "/withdrawals", "{\"amount\":250,\"expectedVersion\":2}")
			.status()).isEqualTo(200);
		Http.Response transfer = this.http.post("/transfers",
				"{\"from\":\"" + alice + "\",\"to\":\"" + bob + "\",\"amount\":300}");
		assertThat(transfer.status()).isEqualTo(200);
		long position = transfer.json().get("position").asLong();

		JsonNode aliceView = this.http.get("/accounts/" + alice + "?consistentWith=" + position).json();
		assertThat(aliceView.get("balance").asLong()).isEqualTo(450);
		assertThat(aliceView.get("version").asLong()).isEqualTo(4);
		JsonNode bobView = this.http.get("/accounts/" + bob + "?consistentWith=" + position).json();
		assertThat(bobView.get("balance").asLong()).isEqualTo(300);
		assertThat(bobView.get("owner").asString()).isEqualTo("bob");

		JsonNode history = this.http.get("/accounts/" + alice + "/history").json();
		assertThat(history).hasSize(4);
		assertThat(history.get(3).get("type").asString()).isEqualTo("transfer-sent");
	}

	@Test
	void aStaleExpectedVersionIsAConflict() {
		String id = open("carol");
		this.http.post("/accounts/" + id + "/deposits", "{\"amount\":100}");
		Http.Response conflict = this.http.post("/accounts/" + id + "/withdrawals",
				"{\"amount\":10,\"expectedVersion\":1}");
		assertThat(conflict.status()).isEqualTo(409);
		assertThat(conflict.json().get("actualVersion").asLong()).isEqualTo(2);
		assertThat(conflict.json().get("title").asString()).isEqualTo("Version conflict");
	}

	@Test
	void overdrawingIsRefusedAndWritesNothing() {
		String id = open("dave");
		Http.Response refused = this.http.post("/accounts/" + id + "/withdrawals", "{\"amount\":1}");
		assertThat(refused.status()).isEqualTo(422);
		assertThat(this.http.get("/accounts/" + id + "/history").json()).hasSize(1);
		Http.Response transfer = this.http.post("/transfers",
				"{\"from\":\"" + id + "\",\"to\":\"" + open("erin") + "\",\"amount\":5}");
		assertThat(transfer.status()).isEqualTo(422);
	}

	@Test
	void unknownAccountsAreNotFound() {
		assertThat(this.http.get("/accounts/nobody").status()).isEqualTo(404);
		assertThat(this.http.post("/accounts/nobody/deposits", "{\"amount\":5}").status()).isEqualTo(404);
		assertThat(this.http.get("/accounts/nobody/history").status()).isEqualTo(404);
	}

	@Test
	void badInputIsABadRequestWithProblemDetails() {
		String id = open("frank");
		Http.Response negative = this.http.post("/accounts/" + id + "/deposits", "{\"amount\":-5}");
		assertThat(negative.status()).isEqualTo(400);
		assertThat(negative.json().get("detail").asString()).contains("amount");
		assertThat(this.http.post("/accounts", "{\"owner\":\" \"}").status()).isEqualTo(400);
		assertThat(this.http.post("/accounts", "not json").status()).isEqualTo(400);
		assertThat(
				this.http.post("/transfers", "{\"from\":\"" + id + "\",\"to\":\"" + id + "\",\"amount\":1}").status())
			.isEqualTo(400);
		assertThat(this.http.post("/load?events=0", "").status()).isEqualTo(400);
	}

	@Test
	void generatedLoadIsFullyProjected() {
		String witness = open("witness");
		Http.Response load = this.http.post("/load?events=3000&accounts=3", "");
		assertThat(load.status()).isEqualTo(200);
		long last = load.json().get("lastPosition").asLong();
		// Wait until the projection has processed the load, through any account.
		assertThat(this.http.get("/accounts/" + witness + "?consistentWith=" + last).status()).isEqualTo(200);
		long total = 0;
		int loadAccounts = 0;
		for (JsonNode account : this.http.get("/accounts?limit=1000").json()) {
			if (account.get("owner").asString().startsWith("load-")) {
				total += account.get("balance").asLong();
				loadAccounts++;
			}
		}
		long expected = 0;
		for (int i = 0; i < 3000; i++) {
			expected += 1 + (i % 100);
		}
		assertThat(loadAccounts).isEqualTo(3);
		assertThat(total).isEqualTo(expected);
	}

	@Test
	void theOperationsViewShowsStreamsProcessorsHealthAndMetrics() throws Exception {
		String id = open("grace");
		this.http.post("/accounts/" + id + "/deposits", "{\"amount\":42}");
		long head = this.varve.headPosition();
		this.processors.awaitProcessed("balances", head, java.time.Duration.ofSeconds(30));
		this.processors.awaitProcessed("audit-trail", head, java.time.Duration.ofSeconds(60));

		JsonNode overview = this.http.get("/actuator/varve").json();
		assertThat(overview.get("headPosition").asLong()).isGreaterThanOrEqualTo(head);
		assertThat(overview.get("eventCount").asLong()).isEqualTo(overview.get("headPosition").asLong());
		java.util.Map<String, JsonNode> byName = new java.util.HashMap<>();
		for (JsonNode processor : overview.get("processors")) {
			byName.put(processor.get("name").asString(), processor);
			assertThat(processor.get("lag").asLong())
				.isEqualTo(processor.get("headPosition").asLong() - processor.get("checkpoint").asLong());
		}
		assertThat(byName).containsKeys("balances", "audit-trail");
		assertThat(byName.get("balances").get("checkpoint").asLong()).isGreaterThanOrEqualTo(head);

		JsonNode stream = this.http.get("/actuator/varve/streams/account-" + id).json();
		assertThat(stream.get("version").asLong()).isEqualTo(2);
		assertThat(stream.get("lastEventType").asString()).isEqualTo("money-deposited");
		assertThat(this.http.get("/actuator/varve/streams/account-nobody").status()).isEqualTo(404);

		Http.Response health = this.http.get("/actuator/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.json().get("components").get("varve").get("status").asString()).isEqualTo("UP");
		JsonNode lag = this.http.get("/actuator/metrics/varve.processor.lag.events?tag=processor:balances").json();
		assertThat(lag.get("measurements").get(0).get("value").asDouble())
			.isEqualTo(this.processors.status("balances").lag());
		// The store's health is part of readiness and not of liveness.
		assertThat(this.http.get("/actuator/health/readiness").status()).isEqualTo(200);
		Http.Response inReadiness = this.http.get("/actuator/health/readiness/varve");
		assertThat(inReadiness.status()).isEqualTo(200);
		assertThat(inReadiness.json().get("status").asString()).isEqualTo("UP");
		assertThat(this.http.get("/actuator/health/liveness").status()).isEqualTo(200);
		assertThat(this.http.get("/actuator/health/liveness/varve").status()).isEqualTo(404);
		// Write operations are off by default.
		assertThat(this.http.post("/actuator/varve/processors/balances", "{\"action\":\"pause\"}").status())
			.isEqualTo(405);

		// The audit trail wrote every event once, whatever was redelivered.
		java.util.List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("audit.log"));
		assertThat(lines).hasSize((int) this.processors.status("audit-trail").checkpoint());
		assertThat(lines.stream().map((line) -> line.substring(0, line.indexOf(' '))).distinct()).hasSameSizeAs(lines);
	}

}

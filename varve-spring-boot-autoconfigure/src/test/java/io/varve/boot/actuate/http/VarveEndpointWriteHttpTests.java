package io.varve.boot.actuate.http;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.boot.actuate.MutableClock;
import io.varve.boot.actuate.http.OperationsTestApplication.Deposited;
import io.varve.boot.actuate.http.OperationsTestApplication.Gate;
import io.varve.boot.actuate.http.OperationsTestApplication.Mailer;
import io.varve.boot.actuate.http.OperationsTestApplication.Picky;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write operations over HTTP once {@code management.endpoint.varve.access=unrestricted}:
 * the {@link Scenario}'s processors fall behind, fail and recover, and the endpoint,
 * health and metrics follow each step. The scenario runs once; the first test starts from
 * it as it is, the later ones only need the processors running.
 */
@SpringBootTest(classes = OperationsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "varve.durability=no-sync", "management.endpoints.web.exposure.include=health,metrics,varve",
				"management.endpoint.health.show-details=always", "management.endpoint.varve.access=unrestricted" })
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VarveEndpointWriteHttpTests {

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

	@Autowired
	ProcessorRegistry processors;

	@Autowired
	Gate gate;

	@Autowired
	MutableClock clock;

	@Autowired
	Mailer mailer;

	@Autowired
	Picky picky;

	private static Gate ledgerGate;

	private Http http;

	@BeforeEach
	void runScenarioOnce() throws InterruptedException {
		this.http = new Http(this.port);
		if (ledgerGate == null) {
			ledgerGate = this.gate;
			Scenario.run(this.varve, this.processors, this.gate, this.clock);
		}
	}

	@AfterAll
	static void releaseLedger() {
		ledgerGate.release();
	}

	@Test
	@Order(1)
	void processorsFallBehindFailAndRecoverThroughTheEndpoint() {
		// Behind but moving stays UP; the FAILED mailer makes the health DOWN.
		assertThat(processor("ledger").path("lag").asLong()).isEqualTo(4);
		assertThat(this.http.get("/actuator/health/varve").status()).isEqualTo(503);

		// The ledger's handler returns: it catches up.
		this.gate.release();
		this.processors.awaitProcessed("ledger", Scenario.HEAD, Scenario.WAIT);
		assertThat(processor("ledger").path("lag").asLong()).isZero();
		assertThat(lagMetric("ledger")).isZero();

		// The mailer's cause is fixed; restarting it retries position 8 and goes on.
		this.mailer.broken = false;
		JsonNode restarted = act("mailer", "{\"action\":\"restart\"}");
		assertThat(restarted.path("action").asString()).isEqualTo("restart");
		this.processors.awaitProcessed("mailer", Scenario.HEAD, Scenario.WAIT);
		JsonNode mailer = processor("mailer");
		assertThat(mailer.path("state").asString()).isEqualTo("RUNNING");
		assertThat(mailer.path("checkpoint").asLong()).isEqualTo(Scenario.HEAD);
		Http.Response health = this.http.get("/actuator/health/varve");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.json().path("status").asString()).isEqualTo("UP");
		assertThat(health.json().path("details").path("processors").path("mailer").asString()).isEqualTo("RUNNING");
	}

	@Test
	@Order(2)
	void pauseHoldsAProcessorAtItsCheckpointAndResumeLetsItCatchUp() {
		ledgerGate.release();
		this.processors.awaitProcessed("picky", Scenario.HEAD, Scenario.WAIT);
		JsonNode paused = act("picky", "{\"action\":\"pause\"}");
		assertThat(paused.path("status").path("state").asString()).isEqualTo("PAUSED");
		long head = this.varve.append("account-9", ExpectedVersion.any(), new Deposited(5, "x")).lastPosition();
		JsonNode picky = processor("picky");
		assertThat(picky.path("state").asString()).isEqualTo("PAUSED");
		assertThat(picky.path("lag").asLong()).isEqualTo(head - picky.path("checkpoint").asLong()).isPositive();
		assertThat(lagMetric("picky")).isEqualTo(picky.path("lag").asLong());
		assertThat(act("picky", "{\"action\":\"resume\"}").path("result").asString()).isEqualTo("resumed");
		this.processors.awaitProcessed("picky", head, Scenario.WAIT);
		assertThat(processor("picky").path("lag").asLong()).isZero();
	}

	@Test
	@Order(3)
	void parkedEventsCanBeRetriedOneByOneOrDiscardedAllAtOnce() {
		this.processors.awaitProcessed("picky", Scenario.HEAD, Scenario.WAIT);
		JsonNode failedAgain = act("picky", "{\"action\":\"retry\",\"position\":8}");
		assertThat(failedAgain.path("result").asString())
			.isEqualTo("the parked event at 8 failed again and stays parked");
		assertThat(failedAgain.path("status").path("parked").asLong()).isEqualTo(1);
		assertThat(processor("picky").path("parkedEvents").get(0).path("attempts").asInt()).isEqualTo(2);
		this.picky.picky = false;
		JsonNode handled = act("picky", "{\"action\":\"retry\"}");
		assertThat(handled.path("result").asString())
			.isEqualTo("retried 1 parked events: 1 handled, 0 failed again and stay parked");
		assertThat(handled.path("status").path("parked").asLong()).isZero();
		assertThat(processor("picky").path("parkedEvents")).isEmpty();
		JsonNode none = act("picky", "{\"action\":\"discard\"}");
		assertThat(none.path("result").asString()).isEqualTo("discarded 0 parked events");
		this.picky.picky = true;
	}

	@Test
	@Order(4)
	void resetReplaysAProcessorFromAPosition() {
		ledgerGate.release();
		this.processors.awaitProcessed("ledger", Scenario.HEAD, Scenario.WAIT);
		long handledBefore = processor("ledger").path("eventsHandled").asLong();
		JsonNode reset = act("ledger", "{\"action\":\"reset\",\"position\":9}");
		assertThat(reset.path("result").asString()).isEqualTo("reset: it handles events again from position 9");
		assertThat(reset.path("position").asLong()).isEqualTo(9);
		this.processors.awaitProcessed("ledger", this.varve.headPosition(), Scenario.WAIT);
		// Positions 9 and 10 are account deposits, handled once more.
		assertThat(processor("ledger").path("eventsHandled").asLong()).isGreaterThanOrEqualTo(handledBefore + 2);
	}

	@Test
	@Order(5)
	void badArgumentsAre400WithAMessageAndUnknownProcessors404() {
		assertError(this.http.post("/actuator/varve/processors/ledger", "{\"action\":\"explode\"}"), 400,
				"Unknown action 'explode': use one of pause, resume, restart, reset, rebuild, cancel-rebuild, retry, discard");
		assertError(this.http.post("/actuator/varve/processors/ledger", "{}"), 400,
				"action is required: one of pause, resume, restart, reset, rebuild, cancel-rebuild, retry, discard");
		assertError(this.http.post("/actuator/varve/processors/ledger", "{\"action\":\"reset\",\"position\":-1}"), 400,
				"reset position must be 0 or more (0 for the beginning), got -1");
		long head = this.varve.headPosition();
		assertError(
				this.http.post("/actuator/varve/processors/ledger",
						"{\"action\":\"reset\",\"position\":" + (head + 2) + "}"),
				400, "reset position " + (head + 2) + " is past the head (" + head + "); the most is " + (head + 1)
						+ ", which skips every event committed so far");
		assertError(this.http.post("/actuator/varve/processors/ledger", "{\"action\":\"reset\"}"), 400,
				"reset needs a position: the first position to handle again (0 for the beginning)");
		assertError(this.http.post("/actuator/varve/processors/ledger", "{\"action\":\"pause\",\"position\":3}"), 400,
				"pause takes no position; only reset, rebuild, retry and discard do");
		assertError(this.http.post("/actuator/varve/processors/picky", "{\"action\":\"discard\",\"position\":-5}"), 400,
				"position of a parked event must be 1 or more, got -5");
		Http.Response notParked = this.http.post("/actuator/varve/processors/picky",
				"{\"action\":\"retry\",\"position\":3}");
		assertThat(notParked.status()).isEqualTo(400);
		assertThat(notParked.json().path("message").asString()).startsWith("No event at position 3 is parked");
		Http.Response unknown = this.http.post("/actuator/varve/processors/nobody", "{\"action\":\"pause\"}");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.json().path("message").asString()).startsWith("No processor named 'nobody'");
		assertError(this.http.post("/actuator/varve/streams/account-1", "{\"action\":\"pause\"}"), 400,
				"Only processors take write operations: POST /actuator/varve/processors/{name}");
	}

	@Test
	@Order(6)
	void aRebuildIsStartedFollowedAndRefusedWhenThereIsNoneToCancel() {
		ledgerGate.release();
		long head = this.varve.headPosition();
		JsonNode started = act("ledger", "{\"action\":\"rebuild\"}");
		assertThat(started.path("result").asString()).startsWith("rebuilding from position 1 in new tables");
		assertThat(this.processors.awaitRebuild("ledger", Scenario.WAIT).state().name()).isEqualTo("COMPLETED");
		JsonNode rebuild = processor("ledger").path("rebuild");
		assertThat(rebuild.path("state").asString()).isEqualTo("COMPLETED");
		assertThat(rebuild.path("fromPosition").asLong()).isEqualTo(1);
		assertThat(rebuild.path("position").asLong()).isGreaterThanOrEqualTo(head);
		assertThat(rebuild.path("percent").asDouble()).isEqualTo(100.0);
		assertThat(rebuild.path("endedAt").asString()).isNotBlank();
		Http.Response progress = this.http
			.get("/actuator/metrics/varve.processor.rebuild.progress?tag=processor:ledger");
		assertThat(progress.status()).isEqualTo(200);
		assertThat(progress.json().path("measurements").get(0).path("value").asDouble()).isEqualTo(1.0);
		assertError(this.http.post("/actuator/varve/processors/ledger", "{\"action\":\"cancel-rebuild\"}"), 409,
				"Processor 'ledger' is not being rebuilt");
		assertError(this.http.post("/actuator/varve/processors/ledger", "{\"action\":\"rebuild\",\"position\":-1}"),
				400, "rebuild position must be between 0 (the beginning) and " + (this.varve.headPosition() + 1)
						+ " (the head plus one), got -1");
		assertThat(processor("picky").path("rebuild").isObject()).as("no rebuild shown for picky").isFalse();
	}

	private void assertError(Http.Response response, int status, String message) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.json().path("status").asInt()).isEqualTo(status);
		assertThat(response.json().path("message").asString()).isEqualTo(message);
	}

	private JsonNode act(String processor, String body) {
		Http.Response response = this.http.post("/actuator/varve/processors/" + processor, body);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		JsonNode result = response.json();
		assertThat(result.path("processor").asString()).isEqualTo(processor);
		return result;
	}

	private JsonNode processor(String name) {
		Http.Response response = this.http.get("/actuator/varve/processors/" + name);
		assertThat(response.status()).isEqualTo(200);
		return response.json();
	}

	private double lagMetric(String processor) {
		Http.Response response = this.http
			.get("/actuator/metrics/varve.processor.lag.events?tag=processor:" + processor);
		assertThat(response.status()).isEqualTo(200);
		return response.json().path("measurements").get(0).path("value").asDouble();
	}

}

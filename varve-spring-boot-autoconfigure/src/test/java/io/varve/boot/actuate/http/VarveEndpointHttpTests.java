package io.varve.boot.actuate.http;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.annotation.DirtiesContext;

import io.varve.Varve;
import io.varve.boot.actuate.MutableClock;
import io.varve.boot.actuate.http.OperationsTestApplication.Gate;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code varve} endpoint, health and metrics over HTTP, against the known
 * {@link Scenario}, with the endpoint's default (read-only) access.
 */
@SpringBootTest(classes = OperationsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "varve.durability=no-sync", "management.endpoints.web.exposure.include=health,metrics,varve",
				"management.endpoint.health.show-details=always", "varve.retention.archive.max-count=1000",
				"varve.retention.archive.max-age=90d", "varve.retention-interval=1h" })
@DirtiesContext
class VarveEndpointHttpTests {

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
		// Lets the ledger finish its batch, so that the store closes promptly.
		ledgerGate.release();
	}

	@Test
	void theOverviewReportsTheHeadStreamsStorageAndEveryProcessorsExactLag() {
		Http.Response response = this.http.get("/actuator/varve");
		assertThat(response.status()).isEqualTo(200);
		JsonNode overview = response.json();
		assertThat(overview.path("headPosition").asLong()).isEqualTo(Scenario.HEAD);
		assertThat(overview.path("eventCount").asLong()).isEqualTo(Scenario.HEAD);
		assertThat(overview.path("streamCount").asLong()).isEqualTo(5);
		assertThat(overview.path("snapshots").path("count").isNumber()).isTrue();
		assertThat(overview.path("snapshots").path("bytes").isNumber()).isTrue();
		JsonNode storage = overview.path("storage");
		assertThat(storage.path("path").asString()).isEqualTo(dir.toString());
		assertThat(storage.path("durability").asString()).isEqualTo("NO_SYNC");
		assertThat(storage.path("usedBytes").asLong()).isPositive();
		assertThat(storage.path("mapSize").asLong()).isGreaterThanOrEqualTo(storage.path("usedBytes").asLong());
		assertThat(storage.path("mapUsage").asDouble())
			.isEqualTo((double) storage.path("usedBytes").asLong() / storage.path("mapSize").asLong());
		assertThat(storage.path("capacityUsage").asDouble()).isBetween(0.0, storage.path("mapUsage").asDouble());
		JsonNode processors = overview.path("processors");
		assertThat(processors).hasSize(3);
		assertProcessor(processors.get(0), "ledger", "RUNNING", 6, 4, 5, 0, 0);
		assertProcessor(processors.get(1), "mailer", "FAILED", 7, 3, 7, 1, 0);
		assertProcessor(processors.get(2), "picky", "RUNNING", 10, 0, 10, 1, 1);
		// Now is 40 s after the first event; the ledger waits for event 7, the mailer
		// for 8.
		assertThat(processors.get(0).path("lagSeconds").asDouble()).isEqualTo(33.0);
		assertThat(processors.get(1).path("lagSeconds").asDouble()).isEqualTo(32.0);
		assertThat(processors.get(2).path("lagSeconds").asDouble()).isZero();
		JsonNode retention = overview.path("retention");
		assertThat(retention.path("policies").path("archive").path("maxCount").asLong()).isEqualTo(1000);
		assertThat(retention.path("policies").path("archive").path("maxAge").asString()).isEqualTo("PT2160H");
		assertThat(retention.path("passes").asLong()).isZero();
		assertThat(retention.path("eventsDeleted").asLong()).isZero();
		assertThat(retention.path("running").asBoolean()).isFalse();
		JsonNode lastError = processors.get(1).path("lastError");
		assertThat(lastError.path("message").asString()).isEqualTo("SMTP server refused the message");
		assertThat(lastError.path("type").asString()).isEqualTo(IllegalStateException.class.getName());
		assertThat(lastError.path("position").asLong()).isEqualTo(8);
		assertThat(lastError.path("attempts").asInt()).isEqualTo(1);
	}

	private static void assertProcessor(JsonNode processor, String name, String state, long checkpoint, long lag,
			long handled, long errors, long parked) {
		assertThat(processor.path("name").asString()).isEqualTo(name);
		assertThat(processor.path("state").asString()).isEqualTo(state);
		assertThat(processor.path("checkpoint").asLong()).isEqualTo(checkpoint);
		assertThat(processor.path("headPosition").asLong()).isEqualTo(Scenario.HEAD);
		assertThat(processor.path("lag").asLong()).isEqualTo(lag);
		assertThat(processor.path("eventsHandled").asLong()).isEqualTo(handled);
		assertThat(processor.path("errors").asLong()).isEqualTo(errors);
		assertThat(processor.path("parked").asLong()).isEqualTo(parked);
	}

	@Test
	void streamsAreListedInNameOrderPageByPageAndFilteredByPrefix() {
		JsonNode all = this.http.get("/actuator/varve/streams").json();
		assertThat(all.path("streams").findValuesAsString("name")).containsExactly("account-1", "account-2",
				"account-3", "alerts-1", Scenario.AWKWARD_STREAM);
		JsonNode first = all.path("streams").get(0);
		assertThat(first.path("version").asLong()).isEqualTo(4);
		assertThat(first.path("lastPosition").asLong()).isEqualTo(10);
		assertThat(all.path("next").isNull() || all.path("next").isMissingNode()).isTrue();
		JsonNode page = this.http.get("/actuator/varve/streams?limit=2").json();
		assertThat(page.path("streams").findValuesAsString("name")).containsExactly("account-1", "account-2");
		assertThat(page.path("next").asString()).isEqualTo("account-2");
		JsonNode second = this.http.get("/actuator/varve/streams?limit=2&after=account-2").json();
		assertThat(second.path("streams").findValuesAsString("name")).containsExactly("account-3", "alerts-1");
		JsonNode accounts = this.http.get("/actuator/varve/streams?prefix=account-").json();
		assertThat(accounts.path("streams").findValuesAsString("name")).containsExactly("account-1", "account-2",
				"account-3");
		assertThat(accounts.path("prefix").asString()).isEqualTo("account-");
	}

	@Test
	void oneStreamShowsItsHeadTimesAndLastEventType() {
		Http.Response response = this.http.get("/actuator/varve/streams/account-1");
		assertThat(response.status()).isEqualTo(200);
		JsonNode stream = response.json();
		assertThat(stream.path("name").asString()).isEqualTo("account-1");
		assertThat(stream.path("category").asString()).isEqualTo("account");
		assertThat(stream.path("version").asLong()).isEqualTo(4);
		assertThat(stream.path("eventCount").asLong()).isEqualTo(4);
		assertThat(stream.path("firstPosition").asLong()).isEqualTo(1);
		assertThat(stream.path("lastPosition").asLong()).isEqualTo(10);
		assertThat(stream.path("lastEventType").asString()).isEqualTo("Deposited");
		assertThat(java.time.Instant.parse(stream.path("firstEventAt").asString())).isEqualTo(Scenario.committedAt(1));
		assertThat(java.time.Instant.parse(stream.path("lastEventAt").asString())).isEqualTo(Scenario.committedAt(10));
		assertThat(this.http.get("/actuator/varve/streams/alerts-1").json().path("lastEventType").asString())
			.isEqualTo("Poison");
	}

	@Test
	void streamNamesWithSlashesAndSpacesWorkInThePathAndAnyNameWorksAsAQueryParameter() {
		JsonNode byPath = this.http.get("/actuator/varve/streams/audit/eu%20west/1").json();
		assertThat(byPath.path("name").asString()).isEqualTo(Scenario.AWKWARD_STREAM);
		assertThat(byPath.path("lastPosition").asLong()).isEqualTo(5);
		JsonNode byQuery = this.http.get("/actuator/varve/streams?name=audit%2Feu%20west%2F1").json();
		assertThat(byQuery.path("name").asString()).isEqualTo(Scenario.AWKWARD_STREAM);
		assertThat(byQuery.path("version").asLong()).isEqualTo(1);
	}

	@Test
	void unknownStreamsProcessorsAndSectionsAre404WithAMessage() {
		Http.Response stream = this.http.get("/actuator/varve/streams/account-99");
		assertThat(stream.status()).isEqualTo(404);
		assertThat(stream.json().path("message").asString()).isEqualTo("No stream named 'account-99'");
		assertThat(this.http.get("/actuator/varve/streams?name=account-99").status()).isEqualTo(404);
		Http.Response processor = this.http.get("/actuator/varve/processors/nobody");
		assertThat(processor.status()).isEqualTo(404);
		assertThat(processor.json().path("message").asString()).contains("nobody");
		assertThat(this.http.get("/actuator/varve/things").status()).isEqualTo(404);
		assertThat(this.http.get("/actuator/varve/things/x").status()).isEqualTo(404);
	}

	@Test
	void badPageArgumentsAre400WithAMessage() {
		Http.Response limit = this.http.get("/actuator/varve/streams?limit=0");
		assertThat(limit.status()).isEqualTo(400);
		assertThat(limit.json().path("message").asString()).isEqualTo("limit must be between 1 and 1000, got 0");
		Http.Response after = this.http.get("/actuator/varve/processors/picky?after=-1");
		assertThat(after.status()).isEqualTo(400);
		assertThat(after.json().path("message").asString()).contains("after must be 0 or more");
	}

	@Test
	void oneProcessorShowsItsParkedEventsWithoutTheirPayload() {
		Http.Response response = this.http.get("/actuator/varve/processors/picky");
		assertThat(response.status()).isEqualTo(200);
		JsonNode picky = response.json();
		assertThat(picky.path("name").asString()).isEqualTo("picky");
		assertThat(picky.path("parked").asLong()).isEqualTo(1);
		assertThat(picky.path("parkedEvents")).hasSize(1);
		JsonNode parked = picky.path("parkedEvents").get(0);
		assertThat(parked.path("position").asLong()).isEqualTo(8);
		assertThat(parked.path("stream").asString()).isEqualTo("alerts-1");
		assertThat(parked.path("eventType").asString()).isEqualTo("Poison");
		assertThat(parked.path("error").asString()).isEqualTo("poison is not accepted here");
		assertThat(parked.path("errorType").asString()).isEqualTo(IllegalArgumentException.class.getName());
		assertThat(parked.path("attempts").asInt()).isEqualTo(1);
		assertThat(parked.path("eventId").asString()).isEqualTo(this.varve.readEvent(8).orElseThrow().id().toString());
		assertThat(parked.has("parkedAt")).isTrue();
		JsonNode ledger = this.http.get("/actuator/varve/processors/ledger").json();
		assertThat(ledger.path("lag").asLong()).isEqualTo(4);
		assertThat(ledger.path("parkedEvents")).isEmpty();
		JsonNode all = this.http.get("/actuator/varve/processors").json();
		assertThat(all.path("processors").findValuesAsString("name")).containsExactly("ledger", "mailer", "picky");
		assertThat(all.path("headPosition").asLong()).isEqualTo(Scenario.HEAD);
	}

	@Test
	void healthIsDownWhileAProcessorIsFailedAndShowsWhy() {
		Http.Response response = this.http.get("/actuator/health");
		assertThat(response.status()).isEqualTo(503);
		JsonNode varve = response.json().path("components").path("varve");
		assertThat(varve.path("status").asString()).isEqualTo("DOWN");
		JsonNode details = varve.path("details");
		assertThat(details.path("headPosition").asLong()).isEqualTo(Scenario.HEAD);
		assertThat(details.path("mapUsage").asDouble()).isPositive();
		assertThat(details.path("processors").path("ledger").asString()).isEqualTo("RUNNING");
		assertThat(details.path("processors").path("mailer").asString()).isEqualTo("FAILED");
		assertThat(details.path("problems")).hasSize(1);
		assertThat(details.path("problems").get(0).asString())
			.isEqualTo("processor 'mailer' is FAILED: at position 8: SMTP server refused the message");
	}

	@Test
	void metricsReportTheExactLagAndCountsPerProcessor() {
		assertThat(metric("varve.processor.lag.events", "processor:ledger")).isEqualTo(4);
		assertThat(metric("varve.processor.lag.events", "processor:mailer")).isEqualTo(3);
		assertThat(metric("varve.processor.lag.events", "processor:picky")).isZero();
		assertThat(metric("varve.processor.handled", "processor:ledger")).isEqualTo(5);
		assertThat(metric("varve.processor.errors", "processor:mailer")).isEqualTo(1);
		assertThat(metric("varve.processor.parked", "processor:picky")).isEqualTo(1);
		assertThat(metric("varve.processor.lag.seconds", "processor:ledger")).isEqualTo(33.0);
		assertThat(metric("varve.processor.lag.seconds", "processor:picky")).isZero();
		assertThat(metric("varve.head.position", null)).isEqualTo(Scenario.HEAD);
		assertThat(metric("varve.streams", null)).isEqualTo(5);
		assertThat(metric("varve.storage.used", null)).isPositive();
		assertThat(metric("varve.storage.map.size", null)).isPositive();
		assertThat(metric("varve.retention.deleted", null)).isZero();
		assertThat(metric("varve.retention.passes", null)).isZero();
		assertThat(statistic("varve.append", "outcome:success", "COUNT")).isEqualTo(10);
		assertThat(statistic("varve.append", "outcome:conflict", "COUNT")).isEqualTo(1);
		assertThat(statistic("varve.append", "outcome:error", "COUNT")).isZero();
		assertThat(statistic("varve.commit.batch.size", null, "TOTAL")).isEqualTo(10);
	}

	private double metric(String name, String tag) {
		return statistic(name, tag, null);
	}

	private double statistic(String name, String tag, String statistic) {
		Http.Response response = this.http.get("/actuator/metrics/" + name + ((tag != null) ? "?tag=" + tag : ""));
		assertThat(response.status()).as(name + " " + tag).isEqualTo(200);
		for (JsonNode measurement : response.json().path("measurements")) {
			if (statistic == null || statistic.equals(measurement.path("statistic").asString())) {
				return measurement.path("value").asDouble();
			}
		}
		throw new AssertionError("No " + statistic + " in " + response.body());
	}

	@Test
	void writeOperationsAreRefusedWhileTheEndpointIsReadOnly() {
		Http.Response pause = this.http.post("/actuator/varve/processors/picky", "{\"action\":\"pause\"}");
		assertThat(pause.status()).isEqualTo(405);
		assertThat(this.processors.status("picky").state().name()).isEqualTo("RUNNING");
	}

	@Test
	void noResponseContainsAPayloadOrMetadataValue() {
		for (String path : new String[] { "/actuator/varve", "/actuator/varve/streams",
				"/actuator/varve/streams/account-1", "/actuator/varve/streams/alerts-1",
				"/actuator/varve/streams?name=alerts-1", "/actuator/varve/processors",
				"/actuator/varve/processors/picky", "/actuator/varve/processors/mailer",
				"/actuator/varve/processors/ledger", "/actuator/health", "/actuator/health/varve",
				"/actuator/metrics/varve.processor.lag.events" }) {
			// Health is 503 while the mailer is FAILED.
			assertThat(this.http.get(path).status()).as(path).isIn(200, 503);
		}
		assertThat(this.http.bodies()).hasSizeGreaterThanOrEqualTo(12)
			.allSatisfy((body) -> assertThat(body).doesNotContain(Scenario.MARKER));
		// The marker is really in the store, so the test would see it if it leaked.
		assertThat(this.varve.readEvent(8).orElseThrow().metadata().toString()).contains(Scenario.MARKER);
		assertThat(this.varve.readEvent(8).orElseThrow().data().toString()).contains(Scenario.MARKER);
	}

}

package io.varve.sample;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import io.varve.test.TemporaryVarveStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bank served on virtual threads ({@code spring.threads.virtual.enabled}), as many
 * Spring Boot applications on Java 21+ run: concurrent requests append from virtual
 * threads, which never commit themselves (an LMDB write transaction must end on the
 * operating system thread that began it), and every deposit lands once.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.threads.virtual.enabled=true")
@TemporaryVarveStore
class VirtualThreadRequestsIntegrationTests {

	private static final int CLIENTS = 16;

	private static final int DEPOSITS = 25;

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void store(DynamicPropertyRegistry registry) {
		registry.add("sample.audit.file", () -> dir.resolve("audit.log").toString());
	}

	@LocalServerPort
	int port;

	@Test
	void concurrentDepositsServedOnVirtualThreadsAllLandOnce() throws Exception {
		Http http = new Http(this.port);
		assertThat(http.get("/test/request-thread").body()).startsWith("VirtualThread");
		List<String> accounts = new ArrayList<>();
		for (int c = 0; c < CLIENTS; c++) {
			Http.Response opened = http.post("/accounts", "{\"owner\":\"client-" + c + "\"}");
			assertThat(opened.status()).isEqualTo(201);
			accounts.add(opened.json().get("id").asString());
		}
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Long>> lastPositions = new ArrayList<>();
		try {
			for (String account : accounts) {
				lastPositions.add(clients.submit(() -> {
					Http own = new Http(this.port);
					start.await();
					long last = 0;
					for (int d = 1; d <= DEPOSITS; d++) {
						Http.Response deposit = own.post("/accounts/" + account + "/deposits",
								"{\"amount\":" + d + "}");
						assertThat(deposit.status()).isEqualTo(200);
						last = Math.max(last, deposit.json().get("position").asLong());
					}
					return last;
				}));
			}
			start.countDown();
			long last = 0;
			for (Future<Long> position : lastPositions) {
				last = Math.max(last, position.get(60, TimeUnit.SECONDS));
			}
			long expectedBalance = (long) DEPOSITS * (DEPOSITS + 1) / 2;
			for (String account : accounts) {
				JsonNode view = http.get("/accounts/" + account + "?consistentWith=" + last).json();
				assertThat(view.get("balance").asLong()).isEqualTo(expectedBalance);
				assertThat(view.get("version").asLong()).isEqualTo(DEPOSITS + 1);
				assertThat(http.get("/accounts/" + account + "/history").json()).hasSize(DEPOSITS + 1);
			}
			assertThat(last).isEqualTo((long) CLIENTS * (DEPOSITS + 1));
		}
		finally {
			clients.shutdownNow();
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class RequestThread {

		/**
		 * Tells which thread serves a request (a functional endpoint: nothing to scan).
		 */
		@Bean
		RouterFunction<ServerResponse> requestThread() {
			return RouterFunctions.route()
				.GET("/test/request-thread", (request) -> ServerResponse.ok().body(Thread.currentThread().toString()))
				.build();
		}

	}

}

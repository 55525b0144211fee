package io.varve.boot.actuate.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.boot.actuate.http.OperationsTestApplication.Deposited;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How stream names that are awkward in a URL path reach
 * {@code /actuator/varve/streams/{name}}, and that {@code ?name=} reaches every name.
 */
@SpringBootTest(classes = OperationsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "varve.durability=no-sync", "management.endpoints.web.exposure.include=varve",
				"varve.processors.enabled=false" })
@DirtiesContext
class StreamNamesHttpTests {

	/** Reachable in the path, each segment URL-encoded and a {@code /} written as is. */
	private static final List<String> IN_PATH = List.of("sp ace", "semi;colon", "per%cent", "plus+sign", "q?mark",
			"hash#tag", "ünï-cödé", "emoji-😀", "a/b", "x/y/z", "dq\"x", "brace{x}", "..");

	/**
	 * Not reachable in the path: the server rejects an encoded {@code /} or {@code \},
	 * and empty segments are dropped.
	 */
	private static final List<String> QUERY_ONLY = List.of("a//b", "/lead", "trail/", "back\\slash");

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

	private Http http;

	@BeforeEach
	void appendToEveryName() {
		this.http = new Http(this.port);
		if (this.varve.streamCount() == 0) {
			Stream.concat(IN_PATH.stream(), QUERY_ONLY.stream())
				.forEach((name) -> this.varve.append(name, ExpectedVersion.noStream(), new Deposited(1, "x")));
		}
	}

	@Test
	void namesWithSpacesPunctuationUnicodeAndSingleSlashesAreReachableInThePath() {
		for (String name : IN_PATH) {
			Http.Response response = this.http.get("/actuator/varve/streams/" + pathOf(name));
			assertThat(response.status()).as(name).isEqualTo(200);
			assertThat(response.json().path("name").asString()).as(name).isEqualTo(name);
		}
	}

	@Test
	void namesWithEmptySegmentsOrBackslashesAreNotReachableInThePath() {
		for (String name : QUERY_ONLY) {
			Http.Response response = this.http.get("/actuator/varve/streams/" + pathOf(name));
			boolean reached = response.status() == 200 && response.json().path("name").asString().equals(name);
			assertThat(reached).as(name).isFalse();
		}
	}

	@Test
	void everyNameIsReachableAsAQueryParameter() {
		for (String name : Stream.concat(IN_PATH.stream(), QUERY_ONLY.stream()).toList()) {
			Http.Response response = this.http.get("/actuator/varve/streams?name=" + encode(name));
			assertThat(response.status()).as(name).isEqualTo(200);
			assertThat(response.json().path("name").asString()).as(name).isEqualTo(name);
		}
	}

	private static String pathOf(String name) {
		return Stream.of(name.split("/", -1)).map(StreamNamesHttpTests::encode).collect(Collectors.joining("/"));
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

}

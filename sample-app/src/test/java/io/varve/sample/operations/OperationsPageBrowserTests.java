package io.varve.sample.operations;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.varve.AppendResult;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorRegistry;
import io.varve.sample.SampleApplication;
import io.varve.sample.account.AccountService;
import io.varve.sample.balance.BalancesProjection;
import io.varve.test.TemporaryVarveStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operations page in a real browser (headless Chromium through WebDriver) against the
 * sample application on a random port, with deposits appended in the background all the
 * time. One application (write operations allowed) and one browser serve the tests; the
 * read-only test starts a second application of its own.
 *
 * <p>
 * Screenshots go to {@code target/screenshots}; with
 * {@code -Dvarve.screenshots.docs=true} they are also copied to {@code docs/images},
 * where the guide shows them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "varve.ui.enabled=true", "varve.ui.show-payloads=true",
				"management.endpoint.varve.access=unrestricted" })
@TemporaryVarveStore
class OperationsPageBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	static Path dir;

	private static WebDriver browser;

	@DynamicPropertySource
	static void audit(DynamicPropertyRegistry registry) {
		registry.add("sample.audit.file", () -> dir.resolve("audit.log").toString());
		registry.add("varve.retention.scratch.max-count", () -> "2");
		registry.add("varve.retention-interval", () -> "1h");
	}

	@LocalServerPort
	int port;

	@Autowired
	Varve varve;

	@Autowired
	ProcessorRegistry processors;

	@Autowired
	AccountService accounts;

	@Autowired
	Choosy choosy;

	private Load load;

	@BeforeAll
	static void startBrowser() {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"Chromium is not installed (" + CHROMIUM + ", " + CHROMEDRIVER
						+ "): the operations page's browser tests are skipped; "
						+ "apt-get install chromium chromium-driver to run them (the CI does)");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1280,1500", "--lang=en-GB");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@BeforeEach
	void startLoad() {
		this.load = Load.start(this.accounts);
	}

	@AfterEach
	void stopLoad() throws InterruptedException {
		this.load.stop();
	}

	@Test
	void theLagChartShowsAPausedProcessorFallingBehindAndCatchingUp() throws IOException {
		open(this.port);
		waitUntil("chart drawn", () -> points() > 0);
		int lagBefore = peakLag(BalancesProjection.NAME);

		click(() -> processorRow(BalancesProjection.NAME).findElement(By.cssSelector("button.pause")));
		waitUntil("balances shown PAUSED", () -> cell(BalancesProjection.NAME, "state").equals("PAUSED"));
		waitUntil("the chart to show balances 200 events behind", () -> peakLag(BalancesProjection.NAME) >= 200);
		assertThat(this.processors.status(BalancesProjection.NAME).lag()).isGreaterThanOrEqualTo(200);

		click(() -> processorRow(BalancesProjection.NAME).findElement(By.cssSelector("button.resume")));
		waitUntil("balances caught up to a lag of 0 in the chart", () -> {
			List<Long> series = series(BalancesProjection.NAME);
			int peak = indexOfMax(series);
			return series.subList(peak, series.size()).contains(0L);
		});
		assertThat(lagBefore).as("lag before the pause").isLessThan(200);
		assertThat(cell(BalancesProjection.NAME, "state")).isIn("RUNNING", "CATCHING_UP");
		assertThat(chartPixels()).as("coloured pixels on the canvas").isGreaterThan(500);
		assertThat(this.load.appended()).as("events appended by the load").isGreaterThan(200);
		screenshot("operations-page.png");
	}

	@Test
	void theStoreSectionShowsTheRetentionPoliciesAndWhatTheyDeleted() {
		// No processor of the sample takes the scratch category.
		this.varve.append("scratch-1", ExpectedVersion.any(), new Poisoned("1"), new Poisoned("2"), new Poisoned("3"),
				new Poisoned("4"), new Poisoned("5"));
		long deleted = this.varve.applyRetention().eventsDeleted();
		assertThat(deleted).as("events the pass deleted").isGreaterThanOrEqualTo(3);
		open(this.port);
		waitUntil("the retention figure to show the pass",
				() -> browser.findElement(By.id("retention")).getText().contains(deleted + " events deleted"));
		assertThat(browser.findElement(By.id("retention")).getText())
			.startsWith("scratch keeps each stream's newest 2 events. ");
	}

	@Test
	void aParkedEventIsRetriedWithItsRetryButton() throws IOException {
		AppendResult poisoned = this.varve.append("poison-1", ExpectedVersion.any(), new Poisoned("bad batch"));
		this.processors.awaitProcessed(Choosy.NAME, poisoned.lastPosition(), PATIENCE);
		assertThat(this.processors.parked(Choosy.NAME)).hasSize(1);
		open(this.port);
		WebElement retry = waitFor(
				() -> parkedRow(Choosy.NAME, poisoned.lastPosition()).findElement(By.cssSelector("button.retry")));
		assertThat(waitFor(() -> parkedRow(Choosy.NAME, poisoned.lastPosition()).getText())).contains("poison-1",
				"Poisoned", "refused once");
		browser.findElement(By.id("prefix")).sendKeys("poison-");
		browser.findElement(By.cssSelector("#stream-search button")).click();
		click(() -> browser.findElement(By.cssSelector("button[data-stream='poison-1']")));
		assertThat(waitFor(
				() -> browser.findElement(By.cssSelector("#events tr[data-position='" + poisoned.lastPosition() + "']"))
					.getText()))
			.as("the event with its payload")
			.contains("Poisoned", "\"note\": \"bad batch\"");
		screenshot("operations-page-parked.png");

		click(() -> parkedRow(Choosy.NAME, poisoned.lastPosition()).findElement(By.cssSelector("button.retry")));
		waitUntil("the parked event gone from the page",
				() -> browser
					.findElements(By.cssSelector("#parked tr[data-position='" + poisoned.lastPosition() + "']"))
					.isEmpty() && browser.findElement(By.id("parked-empty")).isDisplayed());
		assertThat(this.processors.parked(Choosy.NAME)).isEmpty();
		assertThat(this.choosy.handled).containsKey(poisoned.lastPosition());
		assertThat(this.choosy.handled.get(poisoned.lastPosition()).get()).as("attempts").isEqualTo(2);
	}

	@Test
	void aReadOnlyDeploymentShowsNoWriteButtonsAndRefusesWrites() throws IOException, InterruptedException {
		Path store = Files.createDirectories(dir.resolve("read-only-store"));
		// Arguments, not default properties: they must win over application.properties.
		String[] args = { "--server.port=0", "--varve.ui.enabled=true", "--varve.durability=no-sync",
				"--varve.path=" + store, "--sample.audit.file=" + dir.resolve("read-only-audit.log"),
				"--spring.main.banner-mode=off" };
		try (ConfigurableApplicationContext readOnly = new SpringApplicationBuilder(SampleApplication.class,
				ChoosyConfiguration.class)
			.run(args)) {
			Load readOnlyLoad = Load.start(readOnly.getBean(AccountService.class));
			try {
				showsNoWriteButtonsAndRefusesWrites(readOnly);
			}
			finally {
				readOnlyLoad.stop();
			}
		}
	}

	private void showsNoWriteButtonsAndRefusesWrites(ConfigurableApplicationContext readOnly) throws IOException {
		Varve readOnlyVarve = readOnly.getBean(Varve.class);
		ProcessorRegistry readOnlyProcessors = readOnly.getBean(ProcessorRegistry.class);
		AppendResult poisoned = readOnlyVarve.append("poison-2", ExpectedVersion.any(), new Poisoned("bad"));
		readOnlyProcessors.awaitProcessed(Choosy.NAME, poisoned.lastPosition(), PATIENCE);
		// Names are shown as text: this one must not become markup.
		readOnlyVarve.append("note-<b>bold</b>", ExpectedVersion.any(), new Poisoned("<i>payloads are off</i>"));
		int port = Integer.parseInt(readOnly.getEnvironment().getProperty("local.server.port"));

		open(port);
		waitFor(() -> parkedRow(Choosy.NAME, poisoned.lastPosition()));
		waitFor(() -> processorRow(BalancesProjection.NAME));
		assertThat(browser.findElement(By.id("access")).getText()).contains("not allowed");
		assertThat(browser
			.findElements(By.cssSelector("button.retry, button.discard, button.pause, button.resume, button.restart")))
			.as("write buttons")
			.isEmpty();
		// In one script: the tables are redrawn every second.
		Object visibleActionCells = ((JavascriptExecutor) browser).executeScript("""
				return Array.from(document.querySelectorAll('.writes'))
					.filter(function (cell) { return getComputedStyle(cell).display !== 'none'; }).length;
				""");
		assertThat(visibleActionCells).as("visible action columns").isEqualTo(0L);

		browser.findElement(By.id("prefix")).sendKeys("note-");
		browser.findElement(By.cssSelector("#stream-search button")).click();
		// The page lists every stream when it opens; wait for the search's answer to
		// replace it.
		waitUntil("the search's answer", () -> {
			List<WebElement> links = browser.findElements(By.cssSelector("#streams button.link"));
			return !links.isEmpty() && links.stream().allMatch((link) -> link.getText().startsWith("note-"));
		});
		assertThat(browser.findElements(By.cssSelector("#streams button.link"))).extracting(WebElement::getText)
			.containsExactly("note-<b>bold</b>");
		assertThat(browser.findElements(By.cssSelector("#streams b"))).as("markup made from a name").isEmpty();
		click(() -> browser.findElement(By.cssSelector("#streams button.link")));
		assertThat(waitFor(() -> browser.findElement(By.cssSelector("#events tbody tr")).getText()))
			.contains("Poisoned")
			.doesNotContain("payloads are off");
		assertThat(browser.findElement(By.id("payloads-note")).getText()).contains("not shown");

		Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
				var done = arguments[arguments.length - 1];
				fetch('/actuator/varve/processors/choosy', { method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ action: 'retry', position: arguments[0] }) })
					.then(function (response) { done(response.status); }, function (error) { done(String(error)); });
				""", poisoned.lastPosition());
		assertThat(status).as("status of a POST from the page").isEqualTo(405L);
		assertThat(readOnlyProcessors.parked(Choosy.NAME)).hasSize(1);
		screenshot("operations-page-read-only.png");
	}

	// ---- the page ------------------------------------------------------------------

	private static void open(int port) {
		browser.manage().timeouts().scriptTimeout(PATIENCE);
		browser.get("http://localhost:" + port + "/actuator/varve/ui");
		waitUntil("the page's first sample", () -> Boolean.TRUE.equals(
				((JavascriptExecutor) browser).executeScript("return window.varveUi && window.varveUi.samples > 0")));
	}

	private static WebElement processorRow(String name) {
		return browser.findElement(By.cssSelector("#processors tr[data-processor='" + name + "']"));
	}

	private static WebElement parkedRow(String processor, long position) {
		return browser.findElement(
				By.cssSelector("#parked tr[data-processor='" + processor + "'][data-position='" + position + "']"));
	}

	private static String cell(String processor, String className) {
		return waitFor(() -> processorRow(processor).findElement(By.cssSelector("td." + className)).getText());
	}

	/** The lag series the page has sampled for a processor, from its canvas. */
	private static List<Long> series(String processor) {
		String json = browser.findElement(By.id("lag-chart")).getDomAttribute("data-series");
		JsonNode values = JSON.readTree(json).path(processor);
		List<Long> series = new ArrayList<>();
		values.forEach((value) -> series.add(value.isNull() ? null : value.asLong()));
		return series;
	}

	private static int peakLag(String processor) {
		return series(processor).stream().filter((lag) -> lag != null).mapToInt(Long::intValue).max().orElse(-1);
	}

	private static int indexOfMax(List<Long> series) {
		int peak = 0;
		for (int i = 0; i < series.size(); i++) {
			if (series.get(i) != null && (series.get(peak) == null || series.get(i) > series.get(peak))) {
				peak = i;
			}
		}
		return peak;
	}

	private static int points() {
		String points = browser.findElement(By.id("lag-chart")).getDomAttribute("data-points");
		return (points != null) ? Integer.parseInt(points) : 0;
	}

	/** Pixels of the chart's canvas drawn in a colour (not blank, not grey). */
	private static long chartPixels() {
		Object count = ((JavascriptExecutor) browser).executeScript(
				"""
						var canvas = document.getElementById('lag-chart');
						var data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
						var coloured = 0;
						for (var i = 0; i < data.length; i += 4) {
							var spread = Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]);
							if (data[i + 3] > 0 && spread > 60) {
								coloured++;
							}
						}
						return coloured;
						""");
		return ((Number) count).longValue();
	}

	/**
	 * Clicks an element of tables the page redraws every second: found again if stale.
	 */
	private static void click(Supplier<WebElement> element) {
		waitUntil("a click to land", () -> {
			element.get().click();
			return true;
		});
	}

	private static <T> T waitFor(Supplier<T> element) {
		return new WebDriverWait(browser, PATIENCE).ignoring(NoSuchElementException.class)
			.ignoring(StaleElementReferenceException.class)
			.until((driver) -> element.get());
	}

	private static void waitUntil(String what, BooleanSupplier condition) {
		new WebDriverWait(browser, PATIENCE).withMessage("waiting for " + what)
			.ignoring(NoSuchElementException.class)
			.ignoring(StaleElementReferenceException.class)
			.until((driver) -> condition.getAsBoolean());
	}

	private static void screenshot(String name) throws IOException {
		File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
		Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name);
		Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
		if (Boolean.getBoolean("varve.screenshots.docs")) {
			Path docs = Files.createDirectories(Path.of("..", "docs", "images"));
			Files.copy(target, docs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
		}
	}

	// ---- the load and the test processor ----------------------------------------------

	/** Deposits into a few accounts through the application's service, until stopped. */
	static final class Load implements Runnable {

		private final AccountService accounts;

		private final List<String> ids = new ArrayList<>();

		private final AtomicLong appended = new AtomicLong();

		private final Thread thread;

		private volatile boolean running = true;

		private Load(AccountService accounts) {
			this.accounts = accounts;
			for (int i = 0; i < 5; i++) {
				this.ids.add(accounts.open("load-" + i).id());
			}
			this.thread = new Thread(this, "operations-page-load");
			this.thread.setDaemon(true);
		}

		static Load start(AccountService accounts) {
			Load load = new Load(accounts);
			load.thread.start();
			return load;
		}

		@Override
		public void run() {
			for (long i = 0; this.running; i++) {
				this.accounts.deposit(this.ids.get((int) (i % this.ids.size())), 1, null);
				this.appended.incrementAndGet();
				// Pacing, not synchronisation: a steady few hundred events a second.
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
			}
		}

		long appended() {
			return this.appended.get();
		}

		void stop() throws InterruptedException {
			this.running = false;
			this.thread.join(TimeUnit.SECONDS.toMillis(30));
		}

	}

	/** An event {@link Choosy} refuses the first time it sees it. */
	record Poisoned(String note) {
	}

	/**
	 * Parks a {@link Poisoned} event the first time (one attempt, PARK policy) and
	 * handles it when it comes again, as after a retry.
	 */
	@VarveProcessor(name = Choosy.NAME, categories = "poison", errorPolicy = ErrorPolicy.PARK, maxAttempts = 1)
	static class Choosy {

		static final String NAME = "choosy";

		final Map<Long, AtomicInteger> handled = new ConcurrentHashMap<>();

		private final Set<Long> refused = ConcurrentHashMap.newKeySet();

		@VarveHandler
		void on(RecordedEvent event) {
			this.handled.computeIfAbsent(event.position(), (position) -> new AtomicInteger()).incrementAndGet();
			if (this.refused.add(event.position())) {
				throw new IllegalStateException("refused once: " + event.type() + " at " + event.position());
			}
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ChoosyConfiguration {

		@Bean
		Choosy choosy() {
			return new Choosy();
		}

	}

}

package io.varve.boot.autoconfigure;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.varve.StoreInfo;
import io.varve.Varve;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mistyped {@code varve.*} key, or settings for a processor that does not exist, start
 * the application with a WARN that names the key and the closest valid one.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownPropertiesTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir);
	}

	record Noted(String text) {
	}

	@VarveProcessor(name = "account-balances")
	static class AccountBalances {

		@VarveHandler
		void on(Noted noted) {
		}

	}

	@VarveProcessor(name = "audit-trail")
	static class AuditTrail {

		@VarveHandler
		void on(Noted noted) {
		}

	}

	@Test
	void aMistypedKeyIsReportedWithTheClosestValidKey(CapturedOutput output) {
		runner().withPropertyValues("varve.max-map-sise=64MB", "varve.processors.enabeld=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(warnings(output)).containsExactlyInAnyOrder(
					"Property 'varve.max-map-sise' (\"varve.max-map-sise\" from property source \"test\") is not a "
							+ "Varve setting and is ignored; did you mean 'varve.max-map-size'?",
					"Property 'varve.processors.enabeld' (\"varve.processors.enabeld\" from property source "
							+ "\"test\") is not a Varve setting and is ignored; did you mean "
							+ "'varve.processors.enabled'?");
		});
	}

	@Test
	void aMistypedPerProcessorSettingIsReportedWithTheProcessorsValidKey(CapturedOutput output) {
		runner().withBean(AccountBalances.class)
			.withPropertyValues("varve.processor.account-balances.bach-size=50")
			.run((context) -> assertThat(warnings(output)).singleElement()
				.asString()
				.startsWith("Property 'varve.processor.account-balances.bach-size'")
				.endsWith("did you mean 'varve.processor.account-balances.batch-size'?"));
	}

	@Test
	void settingsOfAProcessorThatDoesNotExistAreReportedWithTheClosestProcessor(CapturedOutput output) {
		runner().withBean(AccountBalances.class)
			.withBean(AuditTrail.class)
			.withPropertyValues("varve.processor.acount-balances.batch-size=50",
					"varve.processor.acount-balances.error-policy=park")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ProcessorRegistry.class).names()).contains("account-balances");
				assertThat(warnings(output)).containsExactly("Properties [varve.processor.acount-balances.batch-size, "
						+ "varve.processor.acount-balances.error-policy] configure processor 'acount-balances', but no "
						+ "@VarveProcessor has that name, so they are ignored; did you mean 'account-balances'? "
						+ "(processors: account-balances, audit-trail)");
			});
	}

	@Test
	void settingsOfAProcessorInAnApplicationWithoutProcessorsStillStart(CapturedOutput output) {
		runner().withPropertyValues("varve.processor.mailer.max-attempts=5").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(warnings(output)).containsExactly("Properties [varve.processor.mailer.max-attempts] configure "
					+ "processor 'mailer', but no @VarveProcessor has that name, so they are ignored; there are no "
					+ "@VarveProcessor beans");
		});
	}

	@Test
	void validKeysInEveryFormWarnAboutNothing(CapturedOutput output) {
		runner().withBean(AccountBalances.class)
			.withPropertyValues("varve.maxMapSize=64MB", "varve.MAP_SIZE=8MB", "varve.event-packages[0]=com.example",
					"varve.processors.enabled=true", "varve.processor.accountBalances.batch-size=50",
					"varve.processor.account-balances.errorPolicy=park", "varve.read-only=false")
			.run((context) -> {
				StoreInfo info = context.getBean(Varve.class).storeInfo();
				assertThat(info.maxMapSize()).isEqualTo(64L * 1024 * 1024);
				assertThat(warnings(output)).isEmpty();
			});
	}

	private static List<String> warnings(CapturedOutput output) {
		return Arrays.stream(output.getOut().split("\\R"))
			.filter((line) -> line.contains(" WARN "))
			.map((line) -> line.substring(line.indexOf(" -- ") + 4))
			.toList();
	}

}

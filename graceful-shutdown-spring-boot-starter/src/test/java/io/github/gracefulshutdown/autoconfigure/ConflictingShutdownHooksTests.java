package io.github.gracefulshutdown.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConflictingShutdownHooks}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConflictingShutdownHooksTests {

	private static final String WARNING = "lets H2 close the database in its own JVM shutdown hook";

	@ParameterizedTest
	@ValueSource(strings = { "jdbc:h2:file:./data/orders", "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1",
			"jdbc:h2:./orders;DB_CLOSE_ON_EXIT=TRUE", "JDBC:H2:~/orders;MODE=PostgreSQL" })
	void warnsWhenH2ClosesTheDatabaseInItsOwnHook(String url, CapturedOutput output) {
		ConflictingShutdownHooks.warnIfAny(new MockEnvironment().withProperty("spring.datasource.url", url));
		assertThat(output).contains("spring.datasource.url=" + url + " " + WARNING)
			.contains("Add ;DB_CLOSE_ON_EXIT=FALSE to the URL");
	}

	@ParameterizedTest
	@ValueSource(strings = { "jdbc:h2:file:./data/orders;DB_CLOSE_ON_EXIT=FALSE",
			"jdbc:h2:mem:orders;db_close_on_exit=false;DB_CLOSE_DELAY=-1", "jdbc:h2:tcp://localhost/~/orders",
			"jdbc:h2:ssl://localhost/~/orders", "jdbc:postgresql://localhost/orders" })
	void saysNothingWhenTheDatabaseIsClosedWithTheDataSourceOrElsewhere(String url, CapturedOutput output) {
		ConflictingShutdownHooks.warnIfAny(new MockEnvironment().withProperty("spring.datasource.url", url));
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void saysNothingWithoutAUrl(CapturedOutput output) {
		ConflictingShutdownHooks.warnIfAny(new MockEnvironment());
		assertThat(output).doesNotContain(WARNING);
	}

}

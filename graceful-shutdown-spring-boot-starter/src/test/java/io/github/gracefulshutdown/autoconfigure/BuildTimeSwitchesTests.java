package io.github.gracefulshutdown.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BuildTimeSwitches}.
 */
@ExtendWith(OutputCaptureExtension.class)
class BuildTimeSwitchesTests {

	private static final String KEY = "graceful-shutdown.kafka.enabled";

	private static final String PART = "the stop of Kafka listener containers";

	@Test
	void switchedOffAtRunTimeIsReportedWithKeyValueAndWhatToDo(CapturedOutput output) {
		MockEnvironment environment = new MockEnvironment().withProperty(KEY, "false");
		BuildTimeSwitches.warnIfSwitchedOff(environment, KEY, "true", PART);
		assertThat(output).contains("WARN")
			.contains("graceful-shutdown.kafka.enabled=false has no effect")
			.contains("so the stop of Kafka listener containers stays on")
			.contains("Set graceful-shutdown.kafka.enabled=false when building the application")
			.contains("without -Dspring.aot.enabled=true");
	}

	@Test
	void anyValueButTheRequiredOneSwitchesOffAsTheConditionDoes(CapturedOutput output) {
		MockEnvironment environment = new MockEnvironment().withProperty(KEY, "yes");
		BuildTimeSwitches.warnIfSwitchedOff(environment, KEY, "true", PART);
		assertThat(output).contains("graceful-shutdown.kafka.enabled=yes has no effect");
	}

	@Test
	void requiredValueInAnyCaseIsNotReported(CapturedOutput output) {
		MockEnvironment environment = new MockEnvironment().withProperty(KEY, "TRUE");
		BuildTimeSwitches.warnIfSwitchedOff(environment, KEY, "true", PART);
		assertThat(output).doesNotContain("has no effect");
	}

	@Test
	void missingPropertyIsNotReported(CapturedOutput output) {
		BuildTimeSwitches.warnIfSwitchedOff(new MockEnvironment(), KEY, "true", PART);
		assertThat(output).doesNotContain("has no effect");
	}

	@Test
	void offAtBuildTimeIsReportedUnlessTheRunTimeSwitchesItOffToo(CapturedOutput output) {
		BuildTimeSwitches
			.warnIfSwitchedOffAtBuildTime(new MockEnvironment().withProperty("graceful-shutdown.enabled", "False"));
		assertThat(output).doesNotContain("The graceful shutdown is off");
		BuildTimeSwitches.warnIfSwitchedOffAtBuildTime(new MockEnvironment());
		assertThat(output).contains("The graceful shutdown is off")
			.contains("so the default has no effect")
			.contains("Build the application without graceful-shutdown.enabled=false");
	}

}

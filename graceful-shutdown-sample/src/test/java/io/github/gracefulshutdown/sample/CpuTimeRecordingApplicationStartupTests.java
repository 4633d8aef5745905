package io.github.gracefulshutdown.sample;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.core.metrics.StartupStep;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CpuTimeRecordingApplicationStartup}.
 */
class CpuTimeRecordingApplicationStartupTests {

	private static volatile long sink;

	@Test
	void stepsKeepTheirTagsAndNestingAndGetTheirCpuTime() {
		CpuTimeRecordingApplicationStartup startup = new CpuTimeRecordingApplicationStartup(10);
		StartupStep outer = startup.start("outer");
		outer.tag("beanName", "outerBean");
		StartupStep inner = startup.start("inner");
		spendCpu();
		inner.end();
		outer.end();
		Map<String, StartupStep> steps = startup.getBufferedTimeline()
			.getEvents()
			.stream()
			.map(TimelineEvent::getStartupStep)
			.collect(Collectors.toMap(StartupStep::getName, Function.identity()));
		assertThat(steps).containsOnlyKeys("outer", "inner");
		assertThat(steps.get("inner").getParentId()).isEqualTo(steps.get("outer").getId());
		assertThat(tags(steps.get("outer"))).containsEntry("beanName", "outerBean");
		long innerCpu = Long.parseLong(tags(steps.get("inner")).get(CpuTimeRecordingApplicationStartup.CPU_TIME_TAG));
		long outerCpu = Long.parseLong(tags(steps.get("outer")).get(CpuTimeRecordingApplicationStartup.CPU_TIME_TAG));
		assertThat(innerCpu).isPositive();
		assertThat(outerCpu).isGreaterThanOrEqualTo(innerCpu);
	}

	private static Map<String, String> tags(StartupStep step) {
		List<StartupStep.Tag> tags = StreamSupport.stream(step.getTags().spliterator(), false).toList();
		return tags.stream().collect(Collectors.toMap(StartupStep.Tag::getKey, StartupStep.Tag::getValue));
	}

	// A bounded amount of work, so that the thread's CPU time advances
	private static void spendCpu() {
		long hash = 0;
		for (int i = 0; i < 2_000_000; i++) {
			hash = hash * 31 + Integer.toString(i).hashCode();
		}
		sink = hash;
	}

}

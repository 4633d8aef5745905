package io.github.gracefulshutdown.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the Grafana dashboard of the shutdown phases,
 * {@code grafana/graceful-shutdown-dashboard.json}.
 */
class GrafanaDashboardTests {

	private static final Path DASHBOARD = Path.of("grafana", "graceful-shutdown-dashboard.json");

	private static final Pattern LABEL_VALUE = Pattern.compile("\\b(phase|outcome)=\"([^\"]*)\"");

	private final Map<String, Object> dashboard = load();

	@Test
	void dashboardHasPanelsWithQueries() {
		assertThat(this.dashboard).containsKeys("title", "uid", "schemaVersion", "templating");
		List<Map<String, Object>> panels = maps(this.dashboard.get("panels"));
		assertThat(panels).isNotEmpty();
		assertThat(panels).extracting((panel) -> panel.get("id")).doesNotHaveDuplicates();
		assertThat(panels).allSatisfy(
				(panel) -> assertThat(maps(panel.get("targets"))).as("targets of %s", panel.get("title")).isNotEmpty());
	}

	@Test
	void everyQueryReadsTheShutdownPhaseTimer() {
		assertThat(queries()).isNotEmpty()
			.allSatisfy((query) -> assertThat(query).contains("shutdown_phase_duration_seconds"));
	}

	@Test
	void phaseDurationsArePercentilesOfTheHistogramAndTheMaxByPhase() {
		assertThat(queries())
			.anySatisfy((query) -> assertThat(query).startsWith("histogram_quantile(0.5, sum by (le, phase) (")
				.contains("shutdown_phase_duration_seconds_bucket"))
			.anySatisfy((query) -> assertThat(query).startsWith("histogram_quantile(0.95, sum by (le, phase) (")
				.contains("shutdown_phase_duration_seconds_bucket"))
			.anySatisfy((query) -> assertThat(query).startsWith("max by (phase) (")
				.contains("shutdown_phase_duration_seconds_max"));
	}

	@Test
	void outcomesAreCounted() {
		assertThat(queries()).anySatisfy((query) -> assertThat(query).containsPattern("^sum by \\([^)]*outcome[^)]*\\)")
			.contains("shutdown_phase_duration_seconds_count"));
	}

	@Test
	void labelValuesAreThoseTheStarterRecords() {
		List<String> outcomes = Arrays.stream(ShutdownOutcome.values()).map(ShutdownOutcome::tagValue).toList();
		for (String query : queries()) {
			Matcher matcher = LABEL_VALUE.matcher(query);
			while (matcher.find()) {
				assertThat(matcher.group(2)).as(query)
					.isIn(matcher.group(1).equals("phase") ? ShutdownPhaseNames.ALL : outcomes);
			}
		}
	}

	private List<String> queries() {
		List<String> queries = new ArrayList<>();
		for (Map<String, Object> panel : maps(this.dashboard.get("panels"))) {
			maps(panel.get("targets")).forEach((target) -> queries.add((String) target.get("expr")));
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> templating = (Map<String, Object>) this.dashboard.get("templating");
		for (Map<String, Object> variable : maps(templating.get("list"))) {
			if ("query".equals(variable.get("type"))) {
				queries.add((String) variable.get("definition"));
			}
		}
		return queries;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> maps(Object value) {
		return (value != null) ? (List<Map<String, Object>>) value : List.of();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> load() {
		// Strict: trailing content or a duplicate key is an error, as it is for
		// Grafana's import
		JsonMapper mapper = JsonMapper.builder()
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.build();
		try {
			return mapper.readValue(Files.readString(DASHBOARD), Map.class);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

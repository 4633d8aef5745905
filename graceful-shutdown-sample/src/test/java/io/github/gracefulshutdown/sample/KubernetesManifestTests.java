package io.github.gracefulshutdown.sample;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the sample's Kubernetes manifests in {@code k8s/}, checked against its
 * {@code application.yml} by {@link KubernetesManifestCheck}. The tests that change a
 * copy of the manifests in memory show that the check catches what it claims to.
 */
class KubernetesManifestTests {

	private static final Path DEPLOYMENT = Path.of("k8s", "deployment.yaml");

	private static final Path SERVICE = Path.of("k8s", "service.yaml");

	private static final Path APPLICATION_YML = Path.of("src", "main", "resources", "application.yml");

	private final Map<String, Object> deployment = KubernetesManifestCheck.load(DEPLOYMENT);

	private final Map<String, Object> service = KubernetesManifestCheck.load(SERVICE);

	@Test
	void manifestsAgreeWithTheApplicationConfiguration() {
		assertThat(problems()).isEmpty();
	}

	@Test
	void gracePeriodTooShortForTheShutdownBudgetIsReported() {
		pod().put("terminationGracePeriodSeconds", 26);
		assertThat(problems()).containsExactly("terminationGracePeriodSeconds (26) is too short for"
				+ " graceful-shutdown.timeout (25s): the pod needs at least 27 s (the timeout plus a 2 s margin)"
				+ " before SIGKILL; raise terminationGracePeriodSeconds to 27 or lower graceful-shutdown.timeout");
	}

	@Test
	void timeoutFromTheContainerEnvironmentIsCheckedAgainstKubernetesDefaultGracePeriod() {
		pod().remove("terminationGracePeriodSeconds");
		env("GRACEFULSHUTDOWN_TIMEOUT").put("value", "29s");
		assertThat(problems()).singleElement()
			.asString()
			.startsWith("terminationGracePeriodSeconds (30) is too short for graceful-shutdown.timeout (29s)");
	}

	@Test
	void probesPointingElsewhereAreReported() {
		probe("readinessProbe").put("path", "/actuator/health");
		probe("livenessProbe").put("port", 9090);
		assertThat(problems()).containsExactly(
				"The readinessProbe points at path '/actuator/health': point it at /actuator/health/readiness",
				"The livenessProbe points at port '9090': the application serves /actuator/health/liveness on port"
						+ " 8080");
	}

	@Test
	void propagationDelayShorterThanTheReadinessProbeDetectionIsReported() {
		container("readinessProbe").put("periodSeconds", 5);
		assertThat(problems()).containsExactly("graceful-shutdown.propagation-delay (3s) is shorter than the time the"
				+ " readiness probe takes to see the shutdown (periodSeconds 5 x failureThreshold 3 = 15 s): raise the"
				+ " delay to at least 15s, or probe more often");
	}

	@Test
	void adaptivePropagationDelayThatCanEndBeforeTheReadinessProbeDetectionIsReported() {
		env().add(Map.of("name", "GRACEFULSHUTDOWN_PROPAGATIONQUIETPERIOD", "value", "500ms"));
		env().add(Map.of("name", "GRACEFULSHUTDOWN_PROPAGATIONMINDELAY", "value", "1s"));
		assertThat(problems()).containsExactly("The adaptive propagation delay can end after 1s"
				+ " (graceful-shutdown.propagation-min-delay 1s, propagation-quiet-period 500ms), shorter than the time"
				+ " the readiness probe takes to see the shutdown (periodSeconds 1 x failureThreshold 3 = 3 s): raise"
				+ " propagation-min-delay to at least 3s, or probe more often");
	}

	@Test
	void configurationThatWouldFailStartupIsReported() {
		env("GRACEFULSHUTDOWN_PROPAGATIONDELAY").put("value", "30s");
		assertThat(problems()).singleElement()
			.asString()
			.startsWith("The graceful shutdown configuration would fail startup:")
			.contains("graceful-shutdown.propagation-delay");
	}

	private List<String> problems() {
		return KubernetesManifestCheck.problems(this.deployment, this.service, APPLICATION_YML);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> pod() {
		Map<String, Object> spec = (Map<String, Object>) this.deployment.get("spec");
		return (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> container(String key) {
		Map<String, Object> container = ((List<Map<String, Object>>) pod().get("containers")).get(0);
		return (Map<String, Object>) container.get(key);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> probe(String name) {
		return (Map<String, Object>) container(name).get("httpGet");
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> env() {
		Map<String, Object> container = ((List<Map<String, Object>>) pod().get("containers")).get(0);
		return (List<Map<String, Object>>) container.get("env");
	}

	private Map<String, Object> env(String name) {
		return env().stream().filter((variable) -> name.equals(variable.get("name"))).findFirst().orElseThrow();
	}

}

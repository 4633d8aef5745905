package io.github.gracefulshutdown.sample;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.github.gracefulshutdown.autoconfigure.InvalidShutdownConfigurationException;
import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * Checks the sample's Kubernetes Deployment and Service against its configuration as the
 * pod sees it: {@code application.yml} overridden by the container's environment, on a
 * detected Kubernetes platform. The budget is resolved and validated by the starter's own
 * {@link ShutdownBudget}. Each problem is a sentence that says what to change.
 */
final class KubernetesManifestCheck {

	/**
	 * Kubernetes' default {@code terminationGracePeriodSeconds}.
	 */
	private static final int DEFAULT_GRACE_PERIOD_SECONDS = 30;

	/**
	 * Kubernetes' default probe {@code periodSeconds}.
	 */
	private static final int DEFAULT_PERIOD_SECONDS = 10;

	/**
	 * Kubernetes' default probe {@code failureThreshold}.
	 */
	private static final int DEFAULT_FAILURE_THRESHOLD = 3;

	private KubernetesManifestCheck() {
	}

	/**
	 * Load a single-document YAML manifest into mutable maps and lists.
	 * @param manifest the manifest file
	 * @return its content
	 */
	static Map<String, Object> load(Path manifest) {
		try (Reader reader = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
			return new Yaml().load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Check a Deployment and the Service in front of it.
	 * @param deployment the Deployment
	 * @param service the Service
	 * @param applicationYml the application's {@code application.yml}
	 * @return the problems found, empty if none
	 */
	static List<String> problems(Map<String, Object> deployment, Map<String, Object> service, Path applicationYml) {
		List<String> problems = new ArrayList<>();
		Map<String, Object> template = map(map(deployment, "spec"), "template");
		Map<String, Object> pod = map(template, "spec");
		Map<String, Object> container = map(list(pod, "containers").get(0));
		StandardEnvironment environment = environment(container, applicationYml);
		Binder binder = Binder.get(environment);
		GracefulShutdownProperties properties;
		ShutdownBudget budget;
		try {
			properties = binder.bind("graceful-shutdown", GracefulShutdownProperties.class)
				.orElseGet(GracefulShutdownProperties::new);
			budget = ShutdownBudget.of(properties, environment);
		}
		catch (BindException | InvalidShutdownConfigurationException ex) {
			problems.add("The graceful shutdown configuration would fail startup: " + rootMessage(ex));
			return problems;
		}
		checkGracePeriod(problems, pod, budget);
		if (map(container, "lifecycle").containsKey("preStop")) {
			problems.add("The container has a preStop hook: remove it, the propagation delay keeps the application"
					+ " serving after SIGTERM instead, and a preStop hook eats into terminationGracePeriodSeconds");
		}
		int serverPort = binder.bind("server.port", Integer.class).orElse(8080);
		int managementPort = binder.bind("management.server.port", Integer.class).orElse(serverPort);
		String basePath = binder.bind("management.endpoints.web.base-path", String.class).orElse("/actuator");
		checkProbe(problems, container, "readinessProbe", basePath + "/health/readiness", managementPort);
		checkProbe(problems, container, "livenessProbe", basePath + "/health/liveness", managementPort);
		checkReadinessDetection(problems, map(container, "readinessProbe"), properties, budget);
		checkService(problems, service, map(map(template, "metadata"), "labels"), container, serverPort);
		Set<String> exposed = binder.bind("management.endpoints.web.exposure.include", Bindable.setOf(String.class))
			.orElse(Set.of("health"));
		checkPrometheusScrape(problems, map(map(template, "metadata"), "annotations"), exposed,
				basePath + "/prometheus", managementPort);
		return problems;
	}

	private static void checkGracePeriod(List<String> problems, Map<String, Object> pod, ShutdownBudget budget) {
		int gracePeriod = intValue(pod.get("terminationGracePeriodSeconds"), DEFAULT_GRACE_PERIOD_SECONDS);
		if (!budget.fitsIn(Duration.ofSeconds(gracePeriod))) {
			long needed = (long) Math.ceil(budget.minimumGracePeriod().toMillis() / 1000.0);
			problems.add(("terminationGracePeriodSeconds (%d) is too short for graceful-shutdown.timeout (%s): the pod"
					+ " needs at least %d s (the timeout plus a %d s margin) before SIGKILL; raise"
					+ " terminationGracePeriodSeconds to %d or lower graceful-shutdown.timeout")
				.formatted(gracePeriod, print(budget.timeout()), needed, ShutdownBudget.GRACE_PERIOD_MARGIN.toSeconds(),
						needed));
		}
	}

	private static void checkProbe(List<String> problems, Map<String, Object> container, String probeName, String path,
			int port) {
		Map<String, Object> httpGet = map(map(container, probeName), "httpGet");
		if (httpGet.isEmpty()) {
			problems.add("The container has no HTTP %s: point it at %s on port %d".formatted(probeName, path, port));
			return;
		}
		if (!path.equals(httpGet.get("path"))) {
			problems.add("The %s points at path '%s': point it at %s".formatted(probeName, httpGet.get("path"), path));
		}
		Integer probePort = resolvePort(container, httpGet.get("port"));
		if (!Objects.equals(probePort, port)) {
			problems.add("The %s points at port '%s': the application serves %s on port %d".formatted(probeName,
					httpGet.get("port"), path, port));
		}
	}

	// An adaptive delay can end as soon as both its minimum and its quiet period have
	// passed without a new request: the rule applies to that earliest end
	private static void checkReadinessDetection(List<String> problems, Map<String, Object> readinessProbe,
			GracefulShutdownProperties properties, ShutdownBudget budget) {
		int period = intValue(readinessProbe.get("periodSeconds"), DEFAULT_PERIOD_SECONDS);
		int threshold = intValue(readinessProbe.get("failureThreshold"), DEFAULT_FAILURE_THRESHOLD);
		Duration detection = Duration.ofSeconds((long) period * threshold);
		String probe = "the time the readiness probe takes to see the shutdown (periodSeconds %d x failureThreshold"
				+ " %d = %d s)";
		probe = probe.formatted(period, threshold, detection.toSeconds());
		Duration delay = budget.propagationDelay();
		Duration quietPeriod = properties.getPropagationQuietPeriod();
		if (quietPeriod == null || delay.isZero()) {
			if (delay.compareTo(detection) < 0) {
				problems.add(("graceful-shutdown.propagation-delay (%s) is shorter than %s: raise the delay to at least"
						+ " %ds, or probe more often")
					.formatted(print(delay), probe, detection.toSeconds()));
			}
			return;
		}
		Duration minDelay = properties.getPropagationMinDelay();
		Duration earliestEnd = (minDelay.compareTo(quietPeriod) > 0) ? minDelay : quietPeriod;
		if (earliestEnd.compareTo(detection) < 0) {
			problems.add(("The adaptive propagation delay can end after %s (graceful-shutdown.propagation-min-delay %s,"
					+ " propagation-quiet-period %s), shorter than %s: raise propagation-min-delay to at least %ds,"
					+ " or probe more often")
				.formatted(print(earliestEnd), print(minDelay), print(quietPeriod), probe, detection.toSeconds()));
		}
	}

	private static void checkService(List<String> problems, Map<String, Object> service, Map<String, Object> podLabels,
			Map<String, Object> container, int serverPort) {
		Map<String, Object> spec = map(service, "spec");
		Map<String, Object> selector = map(spec, "selector");
		if (selector.isEmpty() || !podLabels.entrySet().containsAll(selector.entrySet())) {
			problems
				.add("The Service selector %s does not select the pods, labelled %s".formatted(selector, podLabels));
		}
		for (Object servicePort : list(spec, "ports")) {
			Object targetPort = map(servicePort).get("targetPort");
			Integer resolved = resolvePort(container, (targetPort != null) ? targetPort : map(servicePort).get("port"));
			if (!Objects.equals(resolved, serverPort)) {
				problems.add("The Service targets port '%s': the application serves on port %d (server.port)"
					.formatted(targetPort, serverPort));
			}
		}
	}

	private static void checkPrometheusScrape(List<String> problems, Map<String, Object> annotations,
			Set<String> exposed, String path, int port) {
		if (!"true".equals(annotations.get("prometheus.io/scrape"))) {
			return;
		}
		if (!exposed.contains("prometheus") && !exposed.contains("*")) {
			problems.add("The pod asks to be scraped but management.endpoints.web.exposure.include (%s) does not"
					+ " expose the prometheus endpoint".formatted(exposed));
		}
		if (!path.equals(annotations.get("prometheus.io/path"))) {
			problems.add("The prometheus.io/path annotation is '%s': the metrics are at %s"
				.formatted(annotations.get("prometheus.io/path"), path));
		}
		if (!String.valueOf(port).equals(annotations.get("prometheus.io/port"))) {
			problems.add("The prometheus.io/port annotation is '%s': the metrics are served on port %d"
				.formatted(annotations.get("prometheus.io/port"), port));
		}
	}

	private static StandardEnvironment environment(Map<String, Object> container, Path applicationYml) {
		StandardEnvironment environment = new StandardEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		Map<String, Object> env = new LinkedHashMap<>();
		// What the kubelet sets in every container: Spring Boot detects Kubernetes
		// from it
		env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
		env.put("KUBERNETES_SERVICE_PORT", "443");
		for (Object variable : list(container, "env")) {
			Object value = map(variable).get("value");
			if (value != null) {
				env.put(String.valueOf(map(variable).get("name")), String.valueOf(value));
			}
		}
		sources.addLast(
				new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
		try {
			for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml",
					new FileSystemResource(applicationYml))) {
				if (!source.containsProperty("spring.config.activate.on-profile")) {
					sources.addLast(source);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return environment;
	}

	private static @Nullable Integer resolvePort(Map<String, Object> container, @Nullable Object port) {
		if (port instanceof Integer number) {
			return number;
		}
		for (Object containerPort : list(container, "ports")) {
			if (Objects.equals(map(containerPort).get("name"), port)) {
				return intValue(map(containerPort).get("containerPort"), -1);
			}
		}
		return null;
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause.getMessage();
	}

	private static String print(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

	private static int intValue(@Nullable Object value, int defaultValue) {
		return (value != null) ? Integer.parseInt(String.valueOf(value)) : defaultValue;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(@Nullable Object value) {
		return (value instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

	private static Map<String, Object> map(Map<String, Object> parent, String key) {
		return map(parent.get(key));
	}

	private static List<?> list(Map<String, Object> parent, String key) {
		return (parent.get(key) instanceof List<?> list) ? list : List.of();
	}

}

package io.github.gracefulshutdown.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A web application that uses the graceful shutdown starter: HTTP endpoints, a Kafka
 * listener writing to a database, and a scheduled task, all stopped in order on SIGTERM.
 */
@SpringBootApplication
@EnableScheduling
public class SampleApplication {

	/**
	 * System property that makes the application record Spring's startup steps, for
	 * Spring Boot's {@code startup} actuator endpoint, with the CPU time of each step
	 * ({@code bench/overhead} reads the starter's share of the startup from it).
	 */
	static final String STARTUP_STEPS_PROPERTY = "sample.startup-steps";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		if (Boolean.getBoolean(STARTUP_STEPS_PROPERTY)) {
			application.setApplicationStartup(new CpuTimeRecordingApplicationStartup(20_000));
		}
		application.run(args);
	}

}

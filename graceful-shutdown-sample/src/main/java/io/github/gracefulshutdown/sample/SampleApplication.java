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

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

package io.github.gracefulshutdown;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * An application, run in a child JVM by {@link SignalForceExitProcessTests}, with a bean
 * that hangs when it is destroyed: after the graceful shutdown, while the context closes.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class HangingDestroyApplication {

	static final String HANGING = "Hanging in destroy()";

	@Bean
	HangingBean hangingBean() {
		return new HangingBean();
	}

	public static void main(String[] args) {
		new SpringApplicationBuilder(HangingDestroyApplication.class).web(WebApplicationType.NONE).run(args);
	}

	static class HangingBean implements DisposableBean {

		private final CountDownLatch never = new CountDownLatch(1);

		@Override
		public void destroy() throws InterruptedException {
			System.out.println(HANGING);
			System.out.flush();
			// Bounded, like every wait; the test's second signal ends it long before
			this.never.await(120, TimeUnit.SECONDS);
		}

	}

}

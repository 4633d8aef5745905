package io.github.gracefulshutdown.sample.orders;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.utils.Exit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real single-node KRaft broker running in this JVM, with the topic of the orders.
 * <p>
 * Kafka's test kit deletes the broker's directories in a JVM shutdown hook. Such a hook
 * runs at SIGTERM, concurrently with the graceful shutdown: the broker would lose its
 * logs while the listeners still process and commit during the propagation delay. The
 * hooks are therefore run when this bean is destroyed, after the broker has stopped.
 */
final class InProcessKafkaBroker implements InitializingBean, DisposableBean {

	private final EmbeddedKafkaKraftBroker broker;

	private final List<Runnable> deferredShutdownHooks = new CopyOnWriteArrayList<>();

	InProcessKafkaBroker(String topic, int partitions) {
		this.broker = new EmbeddedKafkaKraftBroker(1, partitions, topic);
		// Instead of spring.kafka.bootstrap-servers, which it sets as a system property
		this.broker.brokerListProperty("sample.kafka.in-process-broker.bootstrap-servers");
	}

	@Override
	public void afterPropertiesSet() {
		Exit.setShutdownHookAdder((name, hook) -> this.deferredShutdownHooks.add(hook));
		try {
			this.broker.afterPropertiesSet();
		}
		finally {
			Exit.resetShutdownHookAdder();
		}
	}

	/**
	 * Return the addresses of the broker.
	 * @return the bootstrap servers
	 */
	List<String> getBootstrapServers() {
		return List.of(this.broker.getBrokersAsString().split(","));
	}

	@Override
	public void destroy() {
		this.broker.destroy();
		this.deferredShutdownHooks.forEach(Runnable::run);
	}

}

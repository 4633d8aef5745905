package io.github.gracefulshutdown.sample.orders;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/**
 * Configuration of the orders flow: its settings and its topic, created on startup if the
 * broker does not have it yet.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OrdersProperties.class)
class OrdersConfiguration {

	@Bean
	@ConditionalOnBooleanProperty(name = "sample.orders.enabled", matchIfMissing = true)
	NewTopic ordersTopic(OrdersProperties properties) {
		return TopicBuilder.name(properties.topic()).partitions(properties.partitions()).build();
	}

}

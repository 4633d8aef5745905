package io.github.gracefulshutdown.sample.orders;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the orders flow.
 *
 * @param topic topic the orders are produced to and consumed from
 * @param partitions number of partitions of the topic, when the sample creates it
 * @param processingTime how long processing one order takes
 */
@ConfigurationProperties("sample.orders")
record OrdersProperties(@DefaultValue("orders") String topic, @DefaultValue("3") int partitions,
		@DefaultValue("20ms") Duration processingTime) {

}

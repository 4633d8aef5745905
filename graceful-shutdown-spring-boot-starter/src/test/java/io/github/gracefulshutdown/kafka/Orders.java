package io.github.gracefulshutdown.kafka;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * Records for the Kafka tests: {@code order-0}, {@code order-1} and so on, in that order
 * on partition 0.
 */
final class Orders {

	private Orders() {
	}

	static void produce(EmbeddedKafkaBroker broker, String topic, int count) throws Exception {
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
			for (int i = 0; i < count; i++) {
				producer.send(new ProducerRecord<>(topic, 0, null, "order-" + i)).get(30, TimeUnit.SECONDS);
			}
		}
	}

}

package io.github.gracefulshutdown.kafka;

import java.time.Duration;
import java.util.Arrays;

import io.github.gracefulshutdown.ShutdownParticipants;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties.KafkaOnTimeout;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link KafkaGracefulShutdownConfiguration}.
 */
class KafkaGracefulShutdownConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(GracefulShutdownAutoConfiguration.class, KafkaAutoConfiguration.class));

	@Test
	void kafkaParticipantIsAddedByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(KafkaListenerShutdownParticipant.class)
				.hasBean("gracefulShutdownKafkaContainerPostProcessor");
			assertThat(context.getBean(KafkaListenerShutdownParticipant.class).getTimeout()).isNull();
		});
	}

	@Test
	void errorHandlersAreGuardedUnlessListenersAreAbandoned() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(CutRecordErrorHandlers.class));
		this.contextRunner.withPropertyValues("graceful-shutdown.kafka.on-timeout=abandon")
			.run((context) -> assertThat(context).hasSingleBean(KafkaListenerShutdownParticipant.class)
				.doesNotHaveBean(CutRecordErrorHandlers.class));
	}

	@Test
	void kafkaParticipantIsNotAddedWhenDisabled() {
		this.contextRunner.withPropertyValues("graceful-shutdown.kafka.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ShutdownParticipants.class)
				.doesNotHaveBean(KafkaListenerShutdownParticipant.class)
				.doesNotHaveBean("gracefulShutdownKafkaContainerPostProcessor"));
	}

	@Test
	void kafkaParticipantIsNotAddedWhenGracefulShutdownIsDisabled() {
		this.contextRunner.withPropertyValues("graceful-shutdown.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(KafkaListenerShutdownParticipant.class));
	}

	@Test
	void kafkaParticipantIsNotAddedWithoutSpringKafka() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KafkaListenerEndpointRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ShutdownParticipants.class)
				.doesNotHaveBean(KafkaListenerShutdownParticipant.class));
	}

	@Test
	void whenUserDefinesParticipantThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(UserParticipantConfiguration.class)
			.run((context) -> assertThat(context.getBean("gracefulShutdownKafkaParticipant")).isEqualTo("user"));
	}

	@Test
	void prototypeContainerBeanIsNotCreatedByTheStarter() {
		// Its factory method takes an argument that only the application can pass
		this.contextRunner.withUserConfiguration(PrototypeContainerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(ListenerContainers.of(context.getBean(KafkaListenerEndpointRegistry.class),
					context.getBeanFactory()))
				.isEmpty();
		});
	}

	@Test
	void singletonContainerBeanIsFound() {
		this.contextRunner.withUserConfiguration(ContainerBeanConfiguration.class)
			.run((context) -> assertThat(ListenerContainers.of(context.getBean(KafkaListenerEndpointRegistry.class),
					context.getBeanFactory()))
				.containsExactly(context.getBean("userContainer", MessageListenerContainer.class)));
	}

	@Test
	void containerFactoryStopsAfterTheCurrentRecordByDefault() {
		this.contextRunner.run((context) -> assertThat(context.getBean(ConcurrentKafkaListenerContainerFactory.class)
			.getContainerProperties()
			.isStopImmediate()).isTrue());
	}

	@Test
	void explicitImmediateStopPropertyIsRespected() {
		this.contextRunner.withPropertyValues("spring.kafka.listener.immediate-stop=false")
			.run((context) -> assertThat(context.getBean(ConcurrentKafkaListenerContainerFactory.class)
				.getContainerProperties()
				.isStopImmediate()).isFalse());
	}

	@Test
	void containerFactoryResetsTheInterruptBeforeTheApplicationsInterceptors() {
		this.contextRunner.withUserConfiguration(UserInterceptorsConfiguration.class).run((context) -> {
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory = context
				.getBean(ConcurrentKafkaListenerContainerFactory.class);
			assertThat(factory.getRecordInterceptor()).isInstanceOf(CompositeRecordInterceptor.class)
				.extracting("delegates", InstanceOfAssertFactories.COLLECTION)
				.hasExactlyElementsOfTypes(ListenerInterruptReset.class, UserRecordInterceptor.class);
			assertThat(factory.getBatchInterceptor()).isInstanceOf(CompositeBatchInterceptor.class)
				.extracting("delegates", InstanceOfAssertFactories.COLLECTION)
				.hasExactlyElementsOfTypes(ListenerInterruptReset.class, UserBatchInterceptor.class);
		});
	}

	@Test
	void containerFactoryWithoutInterceptorsGetsTheInterruptReset() {
		this.contextRunner.run((context) -> {
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory = context
				.getBean(ConcurrentKafkaListenerContainerFactory.class);
			assertThat(factory.getRecordInterceptor()).isInstanceOf(ListenerInterruptReset.class);
			assertThat(factory.getBatchInterceptor()).isSameAs(factory.getRecordInterceptor());
		});
	}

	@Test
	void containerBeanGetsTheInterruptResetBeforeItsOwnInterceptorAndStopsAfterTheCurrentRecord() {
		this.contextRunner.withUserConfiguration(ContainerBeanConfiguration.class).run((context) -> {
			KafkaMessageListenerContainer<?, ?> container = context.getBean(KafkaMessageListenerContainer.class);
			assertThat(container.getContainerProperties().isStopImmediate()).isTrue();
			assertThat(container.getRecordInterceptor()).isInstanceOf(CompositeRecordInterceptor.class)
				.extracting("delegates", InstanceOfAssertFactories.COLLECTION)
				.hasExactlyElementsOfTypes(ListenerInterruptReset.class, UserRecordInterceptor.class);
			assertThat(container.getBatchInterceptor()).isInstanceOf(ListenerInterruptReset.class);
		});
	}

	@Test
	void containerBeanThatTheFactoryCreatedGetsTheInterruptResetOnce() {
		this.contextRunner
			.withUserConfiguration(UserInterceptorsConfiguration.class, FactoryContainerConfiguration.class)
			.run((context) -> {
				ConcurrentMessageListenerContainer<?, ?> container = context
					.getBean(ConcurrentMessageListenerContainer.class);
				assertThat(container.getRecordInterceptor())
					.isSameAs(context.getBean(ConcurrentKafkaListenerContainerFactory.class).getRecordInterceptor())
					.extracting("delegates", InstanceOfAssertFactories.COLLECTION)
					.hasExactlyElementsOfTypes(ListenerInterruptReset.class, UserRecordInterceptor.class);
			});
	}

	@Test
	void containerWithoutAnErrorHandlerGetsTheGuardInFrontOfSpringKafkasDefault() {
		this.contextRunner.withUserConfiguration(ContainerBeanConfiguration.class).run((context) -> {
			KafkaMessageListenerContainer<?, ?> container = context.getBean(KafkaMessageListenerContainer.class);
			assertThat(container.getCommonErrorHandler()).isInstanceOf(CutRecordErrorHandler.class)
				.extracting("delegate")
				.isExactlyInstanceOf(DefaultErrorHandler.class);
		});
	}

	@Test
	void transactionalContainerWithoutAnErrorHandlerKeepsNone() {
		this.contextRunner.withUserConfiguration(TransactionalContainerConfiguration.class).run((context) -> {
			KafkaMessageListenerContainer<?, ?> container = context.getBean(KafkaMessageListenerContainer.class);
			assertThat(container.getCommonErrorHandler()).isNull();
		});
	}

	@Test
	void applicationsErrorHandlerIsGuardedOnce() {
		this.contextRunner
			.withUserConfiguration(UserErrorHandlerConfiguration.class, FactoryContainerConfiguration.class)
			.run((context) -> {
				ConcurrentMessageListenerContainer<?, ?> container = context
					.getBean(ConcurrentMessageListenerContainer.class);
				assertThat(container.getCommonErrorHandler()).isInstanceOf(CutRecordErrorHandler.class)
					.extracting("delegate")
					.isSameAs(context.getBean(CommonErrorHandler.class));
			});
	}

	@Test
	void kafkaTimeoutIsBound() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.kafka.timeout=7s", "graceful-shutdown.kafka.on-timeout=abandon")
			.run((context) -> {
				KafkaListenerShutdownParticipant participant = context.getBean(KafkaListenerShutdownParticipant.class);
				assertThat(ReflectionTestUtils.getField(participant, "timeout")).isEqualTo(Duration.ofSeconds(7));
				assertThat(ReflectionTestUtils.getField(participant, "onTimeout")).isEqualTo(KafkaOnTimeout.ABANDON);
			});
	}

	@Test
	void listenerConsumerClassNameMatchesSpringKafka() {
		assertThat(KafkaListenerShutdownParticipant.LISTENER_CONSUMER_CLASS)
			.startsWith(KafkaMessageListenerContainer.class.getName() + "$");
		assertThat(Arrays.stream(KafkaMessageListenerContainer.class.getDeclaredClasses()).map(Class::getName))
			.contains(KafkaListenerShutdownParticipant.LISTENER_CONSUMER_CLASS);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserInterceptorsConfiguration {

		@Bean
		UserRecordInterceptor userRecordInterceptor() {
			return new UserRecordInterceptor();
		}

		@Bean
		UserBatchInterceptor userBatchInterceptor() {
			return new UserBatchInterceptor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ContainerBeanConfiguration {

		@Bean
		KafkaMessageListenerContainer<Object, Object> userContainer(ConsumerFactory<Object, Object> consumerFactory) {
			ContainerProperties properties = new ContainerProperties("orders");
			properties.setMessageListener((MessageListener<Object, Object>) (record) -> {
			});
			KafkaMessageListenerContainer<Object, Object> container = new KafkaMessageListenerContainer<>(
					consumerFactory, properties);
			container.setAutoStartup(false);
			container.setRecordInterceptor(new UserRecordInterceptor());
			return container;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionalContainerConfiguration {

		@Bean
		KafkaMessageListenerContainer<Object, Object> transactionalContainer(
				ConsumerFactory<Object, Object> consumerFactory) {
			ContainerProperties properties = new ContainerProperties("orders");
			properties.setMessageListener((MessageListener<Object, Object>) (record) -> {
			});
			properties.setKafkaAwareTransactionManager(mock(KafkaAwareTransactionManager.class));
			KafkaMessageListenerContainer<Object, Object> container = new KafkaMessageListenerContainer<>(
					consumerFactory, properties);
			container.setAutoStartup(false);
			return container;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserErrorHandlerConfiguration {

		// Spring Boot sets it on the container factory
		@Bean
		CommonErrorHandler userErrorHandler() {
			return new DefaultErrorHandler(new FixedBackOff(0, 0));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FactoryContainerConfiguration {

		@Bean
		ConcurrentMessageListenerContainer<Object, Object> factoryContainer(
				ConcurrentKafkaListenerContainerFactory<Object, Object> factory) {
			ConcurrentMessageListenerContainer<Object, Object> container = factory.createContainer("orders");
			container.setAutoStartup(false);
			return container;
		}

	}

	static class UserRecordInterceptor implements RecordInterceptor<Object, Object> {

		@Override
		public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
				Consumer<Object, Object> consumer) {
			return record;
		}

	}

	static class UserBatchInterceptor implements BatchInterceptor<Object, Object> {

		@Override
		public ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records,
				Consumer<Object, Object> consumer) {
			return records;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserParticipantConfiguration {

		@Bean
		String gracefulShutdownKafkaParticipant() {
			return "user";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeContainerConfiguration {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		ConcurrentMessageListenerContainer<Object, Object> ordersContainer(
				ConcurrentKafkaListenerContainerFactory<Object, Object> factory, String topic) {
			ConcurrentMessageListenerContainer<Object, Object> container = factory.createContainer(topic);
			container.getContainerProperties().setGroupId(topic);
			container.setupMessageListener((MessageListener<Object, Object>) (record) -> {
			});
			return container;
		}

	}

}

package io.github.gracefulshutdown.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.ShutdownParticipant;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.ShutdownRequest;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties.KafkaOnTimeout;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.event.ConsumerStartingEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.ConsumerStoppingEvent;
import org.springframework.kafka.event.KafkaEvent;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.AbstractShareKafkaMessageListenerContainer;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Stops every Kafka listener container (those of the
 * {@link KafkaListenerEndpointRegistry} and those declared as beans) right after the
 * propagation delay, in parallel with the HTTP drain, instead of in Spring Kafka's own
 * phase before it. The phase ends when the consumer threads have really finished: the
 * record in progress is done, the offsets of processed records are committed and the
 * consumers have left their groups.
 * <p>
 * At {@code graceful-shutdown.kafka.timeout}, a listener still busy is interrupted (and
 * the phase waits for its consumer to commit and leave) or abandoned, as configured. Only
 * threads inside the listener are interrupted: a consumer that is polling, rebalancing or
 * closing is left alone. The containers of share groups (KIP-932) are never interrupted:
 * the broker would accept the record that failed. They are stopped on a thread of their
 * own, since their stop blocks until every record of the poll is processed, and abandoned
 * at the timeout; the records they have not acknowledged go back to the share group. The
 * registry is looked up lazily: injecting it into a lifecycle bean of a lower phase would
 * make its own phase stop waiting (spring-framework#28277).
 */
final class KafkaListenerShutdownParticipant implements ShutdownParticipant, ApplicationListener<KafkaEvent> {

	private static final Log logger = LogFactory.getLog(KafkaListenerShutdownParticipant.class);

	// What an interrupted listener needs to end, and its consumer to commit and leave the
	// group, before the deadline of the shutdown's workers
	private static final Duration WRAP_UP = Duration.ofSeconds(1);

	/**
	 * The consumer loop of Spring Kafka; its {@code invokeOnMessage} and
	 * {@code invokeBatchOnMessage} methods (and their {@code do} variants) call the
	 * listener. A name rather than a class literal, so that the container class is not
	 * loaded at startup in applications that have no listener.
	 */
	static final String LISTENER_CONSUMER_CLASS = "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer";

	private final ObjectProvider<KafkaListenerEndpointRegistry> registry;

	private final ConfigurableListableBeanFactory beanFactory;

	private final Duration timeout;

	private final KafkaOnTimeout onTimeout;

	// Every consumer thread, with the container of its event: a share group container
	// runs several consumers with the container as the source of their events
	private final Map<Thread, ConsumerThread> consumers = new ConcurrentHashMap<>();

	private final Set<Thread> interrupted = ConcurrentHashMap.newKeySet();

	// Threads whose listener failed because of the starter's interrupt, until their error
	// handler has run (CutRecordErrorHandler)
	private final Set<Thread> cut = ConcurrentHashMap.newKeySet();

	KafkaListenerShutdownParticipant(ObjectProvider<KafkaListenerEndpointRegistry> registry,
			ConfigurableListableBeanFactory beanFactory, Duration timeout, KafkaOnTimeout onTimeout) {
		this.registry = registry;
		this.beanFactory = beanFactory;
		this.timeout = timeout;
		this.onTimeout = onTimeout;
	}

	@Override
	public String getPhase() {
		return ShutdownPhaseNames.KAFKA;
	}

	@Override
	public void stop(ShutdownRequest request) {
		List<MessageListenerContainer> running = runningContainers();
		if (running.isEmpty()) {
			request.skipped();
			return;
		}
		Duration timeout = timeoutWithin(request);
		Stop stop = new Stop(request, running, timeout);
		for (MessageListenerContainer container : running) {
			if (container instanceof AbstractShareKafkaMessageListenerContainer) {
				// It stops on the calling thread, once its consumers have processed every
				// record of their last poll
				Thread stopping = new Thread(() -> container.stop(() -> stop.containerStopped(container)),
						"graceful-shutdown-kafka-share-stop");
				stopping.setDaemon(true);
				stopping.start();
			}
			else {
				// Returns at once; the callback runs when its consumers have finished
				container.stop(() -> stop.containerStopped(container));
			}
		}
		// Run by the delay scheduler's own thread: by default it would hand the task to
		// the common pool, which on Java 21 and later serves every async task even on 2
		// cores (a single worker), and which the application may keep busy
		CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS, Runnable::run)
			.execute(stop::timeout);
	}

	// The configured timeout, but early enough in what is left of the budget for an
	// interrupted listener to end and its consumer to commit and leave the group: past
	// that, the shutdown's deadline would end the phase first and the timeout would never
	// act
	private Duration timeoutWithin(ShutdownRequest request) {
		Duration latest = request.remaining().minus(WRAP_UP);
		if (latest.isNegative()) {
			latest = Duration.ZERO;
		}
		return (this.timeout.compareTo(latest) < 0) ? this.timeout : latest;
	}

	private List<MessageListenerContainer> runningContainers() {
		KafkaListenerEndpointRegistry registry = this.registry.getIfAvailable();
		if (registry == null) {
			return List.of();
		}
		return ListenerContainers.of(registry, this.beanFactory)
			.stream()
			.filter(MessageListenerContainer::isRunning)
			.toList();
	}

	@Override
	public Collection<Thread> getThreads() {
		return List.copyOf(this.consumers.keySet());
	}

	@Override
	public void onApplicationEvent(KafkaEvent event) {
		if (event instanceof ConsumerStartingEvent) {
			// Published on the consumer thread, like the stopped event
			this.consumers.put(Thread.currentThread(),
					new ConsumerThread(event.getContainer(Object.class), event.getSource()));
		}
		else if (event instanceof ConsumerStoppingEvent) {
			this.cut.remove(Thread.currentThread());
			if (this.interrupted.remove(Thread.currentThread())) {
				// Published on the consumer thread before it commits, leaves its group
				// and closes: a listener that did not fail (or whose container has
				// another record interceptor than the starter's) may have left the
				// interrupt set, and the Kafka client would then fail those steps
				Thread.interrupted();
			}
		}
		else if (event instanceof ConsumerStoppedEvent) {
			this.consumers.remove(Thread.currentThread());
		}
	}

	void interrupt(Thread listener) {
		this.interrupted.add(listener);
		listener.interrupt();
	}

	/**
	 * Called on a consumer thread whose listener has failed: clears the interrupt that
	 * the timeout caused, if any, before Spring Kafka commits the offsets of the records
	 * processed before the failed one.
	 */
	void listenerFailed() {
		if (this.interrupted.remove(Thread.currentThread())) {
			Thread.interrupted();
			this.cut.add(Thread.currentThread());
		}
	}

	/**
	 * Return whether the listener of the calling consumer thread has failed because the
	 * starter interrupted it, and its error handler has not run yet. Also when the
	 * starter's interceptor did not see the failure (the application replaced it) and the
	 * thread is still interrupted by the starter.
	 * @return whether the thread's records in progress were cut
	 */
	boolean isCut() {
		Thread thread = Thread.currentThread();
		return this.cut.contains(thread) || this.interrupted.contains(thread);
	}

	/**
	 * Return whether the listener of the calling consumer thread has failed because the
	 * starter interrupted it, and forget it: its error handler is running.
	 * @return whether the thread's records in progress were cut
	 */
	boolean takeCut() {
		Thread thread = Thread.currentThread();
		boolean interruptedByUs = this.interrupted.remove(thread);
		if (interruptedByUs) {
			Thread.interrupted();
		}
		return this.cut.remove(thread) || interruptedByUs;
	}

	// Whether the consumer thread runs the listener, rather than polling, committing or
	// closing, which an interrupt would only disturb: Spring Kafka calls the listener in
	// doInvokeOnMessage and doInvokeBatchOnMessage, or calls a listener of whole
	// ConsumerRecords from invokeBatchOnMessageWithRecordsOrList, and acknowledges a
	// record (with AckMode.RECORD, commits it) only after those have returned
	static boolean isInListener(StackTraceElement[] stack) {
		for (int i = 0; i < stack.length; i++) {
			StackTraceElement element = stack[i];
			if (element.getClassName().startsWith(LISTENER_CONSUMER_CLASS)) {
				String method = element.getMethodName();
				if (method.startsWith("doInvoke") && method.endsWith("OnMessage")) {
					return true;
				}
				if (method.equals("invokeBatchOnMessageWithRecordsOrList") && i > 0
						&& stack[i - 1].getMethodName().equals("onMessage")) {
					return true;
				}
			}
		}
		return false;
	}

	// Whether an interrupt leaves the records it cuts uncommitted: the consumer's error
	// handler (read when its container started) is the starter's guard, or the one
	// Spring Kafka creates, which retries. A container started after the application,
	// which the guard missed, may have an error handler that skips a failed record
	private static boolean isGuarded(ConsumerThread consumer) {
		if (!(consumer.source() instanceof AbstractMessageListenerContainer<?, ?> container)) {
			return false;
		}
		CommonErrorHandler errorHandler = container.getCommonErrorHandler();
		return errorHandler == null || errorHandler instanceof CutRecordErrorHandler;
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

	/**
	 * One stop of the containers.
	 */
	private final class Stop {

		private final ShutdownRequest request;

		private final Set<MessageListenerContainer> running = ConcurrentHashMap.newKeySet();

		private final Duration timeout;

		private volatile boolean timedOut;

		Stop(ShutdownRequest request, List<MessageListenerContainer> containers, Duration timeout) {
			this.request = request;
			this.running.addAll(containers);
			this.timeout = timeout;
		}

		void containerStopped(MessageListenerContainer container) {
			if (this.running.remove(container)) {
				endIfNoneRunning();
			}
		}

		private void endIfNoneRunning() {
			if (this.running.isEmpty()) {
				if (this.timedOut) {
					this.request.timedOut();
				}
				else {
					this.request.completed();
				}
			}
		}

		void timeout() {
			if (this.request.isDone()) {
				return;
			}
			this.timedOut = true;
			long millis = this.timeout.toMillis();
			if (KafkaListenerShutdownParticipant.this.onTimeout == KafkaOnTimeout.INTERRUPT) {
				List<MessageListenerContainer> shareContainers = this.running.stream()
					.filter(AbstractShareKafkaMessageListenerContainer.class::isInstance)
					.toList();
				if (this.running.size() > shareContainers.size()) {
					interruptListeners(millis);
				}
				abandon(shareContainers, millis);
			}
			else {
				logger.warn("Kafka listeners still busy after " + millis + " ms, abandoning " + consumers().size()
						+ " consumer thread(s); their uncommitted records will be redelivered");
				this.request.timedOut();
			}
		}

		// The consumers of the containers this stop is waiting for: the application may
		// run containers of its own, which it stops itself
		private Map<Thread, ConsumerThread> consumers() {
			Map<Thread, ConsumerThread> consumers = new LinkedHashMap<>();
			KafkaListenerShutdownParticipant.this.consumers.forEach((thread, consumer) -> {
				if (this.running.contains(consumer.container())) {
					consumers.put(thread, consumer);
				}
			});
			return consumers;
		}

		// Only threads of Spring Kafka's consumer loop are in a listener there
		private void interruptListeners(long millis) {
			List<Thread> interrupted = new ArrayList<>();
			Set<Object> unguarded = new LinkedHashSet<>();
			consumers().forEach((thread, consumer) -> {
				if (isInListener(thread.getStackTrace())) {
					if (isGuarded(consumer)) {
						// Right after the look at its stack
						interrupt(thread);
						interrupted.add(thread);
					}
					else {
						unguarded.add(consumer.container());
					}
				}
			});
			if (!interrupted.isEmpty() || unguarded.isEmpty()) {
				logger.warn("Kafka listeners still busy after " + millis + " ms, interrupted " + interrupted.size()
						+ " listener thread(s); their records in progress are not committed and will be redelivered");
			}
			if (!unguarded.isEmpty()) {
				logger.warn("Kafka listeners still busy after " + millis + " ms in " + unguarded.size()
						+ " container(s) started after the application, abandoning them: their error handler "
						+ "could skip a record that an interrupt cuts. Their uncommitted records will be redelivered");
				this.running.removeAll(unguarded);
				endIfNoneRunning();
			}
		}

		private void abandon(List<MessageListenerContainer> shareContainers, long millis) {
			if (!shareContainers.isEmpty()) {
				logger.warn("Kafka share group listeners still busy after " + millis + " ms, abandoning "
						+ shareContainers.size() + " container(s); the broker gives the records they have not "
						+ "acknowledged to other consumers of the group when they close or their acquisition lock ends");
				this.running.removeAll(shareContainers);
				endIfNoneRunning();
			}
		}

	}

	/**
	 * A consumer thread's container, and the container that published its events: the
	 * child of a concurrent container, or the container itself.
	 */
	private record ConsumerThread(Object container, Object source) {
	}

}

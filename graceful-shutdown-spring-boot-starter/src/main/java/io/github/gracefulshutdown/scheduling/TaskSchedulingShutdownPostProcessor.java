package io.github.gracefulshutdown.scheduling;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Prepares task schedulers and executors for the scheduling phase as they are created,
 * and remembers them, so that the phase finds them without creating lazy beans at
 * shutdown.
 */
final class TaskSchedulingShutdownPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<ShutdownBudget> budget;

	// Weak, so that executors of a shorter-lived scope can still be collected
	private final Set<Object> executors = Collections.newSetFromMap(new WeakHashMap<>());

	TaskSchedulingShutdownPostProcessor(ObjectProvider<ShutdownBudget> budget) {
		this.budget = budget;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ThreadPoolTaskScheduler scheduler) {
			// Otherwise a pending one-shot execution, such as the next firing of a cron
			// task, still runs after the scheduler has been shut down
			scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
			add(scheduler);
		}
		else if (bean instanceof SimpleAsyncTaskExecutor executor) {
			// Also makes it track its threads; close() then waits for them before
			// interrupting them, instead of leaving them running
			executor.setTaskTerminationTimeout(this.budget.getObject().schedulingTimeout().toMillis());
			add(executor);
		}
		else if (bean instanceof ThreadPoolTaskExecutor executor) {
			add(executor);
		}
		return bean;
	}

	private void add(Object executor) {
		synchronized (this.executors) {
			this.executors.add(executor);
		}
	}

	/**
	 * Return the schedulers and executors created so far.
	 * @return the schedulers and executors
	 */
	List<Object> getExecutors() {
		synchronized (this.executors) {
			return List.copyOf(this.executors);
		}
	}

}

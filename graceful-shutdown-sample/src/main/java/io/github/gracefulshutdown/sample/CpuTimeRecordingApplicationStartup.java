package io.github.gracefulshutdown.sample;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * {@link BufferingApplicationStartup} that also tags every step with the CPU time its
 * thread spent in it ({@code cpuTimeNanos}, including nested steps), next to the wall
 * time that Spring records. On a machine with few cores the main thread shares them with
 * the JIT compiler and garbage collector threads, so a step's wall time includes waiting
 * for a core; its CPU time does not.
 */
class CpuTimeRecordingApplicationStartup extends BufferingApplicationStartup {

	static final String CPU_TIME_TAG = "cpuTimeNanos";

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	CpuTimeRecordingApplicationStartup(int capacity) {
		super(capacity);
	}

	@Override
	public StartupStep start(String name) {
		return new CpuTimeStep(super.start(name), Thread.currentThread(), this.threads.getCurrentThreadCpuTime());
	}

	private final class CpuTimeStep implements StartupStep {

		private final StartupStep step;

		private final Thread thread;

		private final long startCpuTime;

		CpuTimeStep(StartupStep step, Thread thread, long startCpuTime) {
			this.step = step;
			this.thread = thread;
			this.startCpuTime = startCpuTime;
		}

		@Override
		public String getName() {
			return this.step.getName();
		}

		@Override
		public long getId() {
			return this.step.getId();
		}

		@Override
		public Long getParentId() {
			return this.step.getParentId();
		}

		@Override
		public StartupStep tag(String key, String value) {
			this.step.tag(key, value);
			return this;
		}

		@Override
		public StartupStep tag(String key, Supplier<String> value) {
			this.step.tag(key, value);
			return this;
		}

		@Override
		public Tags getTags() {
			return this.step.getTags();
		}

		@Override
		public void end() {
			if (Thread.currentThread() == this.thread && this.startCpuTime >= 0) {
				long cpuTime = CpuTimeRecordingApplicationStartup.this.threads.getCurrentThreadCpuTime()
						- this.startCpuTime;
				this.step.tag(CPU_TIME_TAG, Long.toString(cpuTime));
			}
			this.step.end();
		}

	}

}

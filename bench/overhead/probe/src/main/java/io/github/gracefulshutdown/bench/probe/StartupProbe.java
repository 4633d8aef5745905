package io.github.gracefulshutdown.bench.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Java agent that measures, on the main thread, the time Spring spends on the starter's
 * configuration classes and in the starter's bean post-processors, four probes:
 * <ul>
 * <li>{@code parse}: {@code ConfigurationClassParser.processConfigurationClass}, the
 * class's conditions, then reading its annotations, member classes, imports and
 * {@code @Bean} methods;</li>
 * <li>{@code register}:
 * {@code ConfigurationClassBeanDefinitionReader.loadBeanDefinitionsForConfigurationClass},
 * the conditions of its {@code @Bean} methods and the bean definitions;</li>
 * <li>{@code post-process}: {@code postProcessAfterInitialization} of the starter's bean
 * post-processors, for the application's other beans (the starter's own beans are counted
 * in their startup steps already);</li>
 * <li>{@code conditions}: {@code SpringBootCondition.matches}, every evaluation of a
 * Spring Boot condition on a configuration class or {@code @Bean} method (part of
 * {@code parse} and {@code register}).</li>
 * </ul>
 * For {@code parse} and {@code register} it records the outermost call per configuration
 * class (nested calls, such as member classes, count to the class that contains them),
 * and for all probes it sums the calls for the starter's classes
 * ({@code io.github.gracefulshutdown.}, not the sample) and for all classes. Both sides
 * of a startup comparison run the probes: with the starter disabled, its classes still go
 * to {@code parse}, where their condition skips them.
 * <p>
 * The agent's argument is the file it writes when the JVM shuts down, one line per probe:
 * {@code probe starter-cpu-ns starter-wall-ns starter-calls all-cpu-ns all-wall-ns all-calls},
 * and a line {@code calibration} for 1000 empty calls made when the agent starts: what
 * the probe itself adds to a call. With {@code FILE,details} it also writes
 * {@code FILE.details}, one line per outermost call of {@code parse} and {@code register}
 * for every configuration class, and per condition on the starter's classes:
 * {@code probe cpu-ns wall-ns key}.
 */
public final class StartupProbe {

	static final int PARSE = 0;

	static final int REGISTER = 1;

	static final int POST_PROCESS = 2;

	static final int CONDITIONS = 3;

	static final int CALIBRATION = 4;

	private static final int CALIBRATION_CALLS = 1000;

	private static final String[] NAMES = { "parse", "register", "post-process", "conditions", "calibration" };

	private static final String STARTER = "io.github.gracefulshutdown.";

	private static final String SAMPLE = "io.github.gracefulshutdown.sample.";

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private static Thread mainThread;

	private static StringBuilder details;

	private static final int[] depth = new int[5];

	private static final boolean[] starter = new boolean[5];

	private static final String[] keys = new String[5];

	private static final long[] startCpu = new long[5];

	private static final long[] startWall = new long[5];

	// [probe][starter cpu, starter wall, starter calls, all cpu, all wall, all calls]
	private static final long[][] totals = new long[5][6];

	private StartupProbe() {
	}

	public static void premain(String arguments, Instrumentation instrumentation) {
		mainThread = Thread.currentThread();
		String[] parts = arguments.split(",");
		Path output = Path.of(parts[0]);
		if (parts.length > 1 && parts[1].equals("details")) {
			details = new StringBuilder();
		}
		calibrate();
		instrumentation.addTransformer(new Transformer());
		Runtime.getRuntime().addShutdownHook(new Thread(() -> write(output), "startup-probe"));
	}

	// The probe's own cost per call, measured on empty calls: the post-processors' calls
	// are short and many, so it is a visible part of their time
	private static void calibrate() {
		for (int i = 0; i < CALIBRATION_CALLS; i++) {
			enter(STARTER, CALIBRATION);
			exit(CALIBRATION);
		}
	}

	/**
	 * Called at the start of a probed method.
	 * @param key the configuration class's name (for a condition on a {@code @Bean}
	 * method: {@code class#method}), or the bean name for a post-processor
	 * @param probe the probe
	 */
	public static void enter(String key, int probe) {
		if (Thread.currentThread() != mainThread || depth[probe]++ > 0) {
			return;
		}
		starter[probe] = (probe == POST_PROCESS) ? !isStarterBean(key) : isStarterClass(key);
		keys[probe] = key;
		// The CPU clock is a native call, where the thread may wait for a
		// safepoint: outside the wall-time window, which System.nanoTime (an
		// intrinsic) bounds
		startCpu[probe] = threads.getCurrentThreadCpuTime();
		startWall[probe] = System.nanoTime();
	}

	/**
	 * Called before every return and throw of a probed method.
	 * @param probe the probe
	 */
	public static void exit(int probe) {
		if (Thread.currentThread() != mainThread || --depth[probe] > 0) {
			return;
		}
		long wall = System.nanoTime() - startWall[probe];
		long cpu = threads.getCurrentThreadCpuTime() - startCpu[probe];
		long[] sums = totals[probe];
		if (details != null && (probe == PARSE || probe == REGISTER || (probe == CONDITIONS && starter[probe]))) {
			details.append(NAMES[probe])
				.append(' ')
				.append(cpu)
				.append(' ')
				.append(wall)
				.append(' ')
				.append(keys[probe])
				.append('\n');
		}
		if (starter[probe]) {
			sums[0] += cpu;
			sums[1] += wall;
			sums[2]++;
		}
		sums[3] += cpu;
		sums[4] += wall;
		sums[5]++;
	}

	private static boolean isStarterClass(String className) {
		return className.startsWith(STARTER) && !className.startsWith(SAMPLE);
	}

	private static boolean isStarterBean(String beanName) {
		return beanName != null && (beanName.startsWith("gracefulShutdown") || beanName.startsWith("graceful-shutdown-")
				|| isStarterClass(beanName));
	}

	private static synchronized void write(Path output) {
		StringBuilder lines = new StringBuilder();
		for (int probe = 0; probe < NAMES.length; probe++) {
			lines.append(NAMES[probe]);
			for (long value : totals[probe]) {
				lines.append(' ').append(value);
			}
			lines.append('\n');
		}
		try {
			Files.writeString(output, lines, StandardCharsets.UTF_8);
			if (details != null) {
				Files.writeString(Path.of(output + ".details"), details, StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Adds the calls of {@link StartupProbe#enter} and {@link StartupProbe#exit} to the
	 * probed methods.
	 */
	private static final class Transformer implements ClassFileTransformer {

		private static final String PARSER = "org/springframework/context/annotation/ConfigurationClassParser";

		private static final String READER = "org/springframework/context/annotation/ConfigurationClassBeanDefinitionReader";

		private static final String CONDITION = "org/springframework/boot/autoconfigure/condition/SpringBootCondition";

		private static final String CONFIGURATION_CLASS = "Lorg/springframework/context/annotation/ConfigurationClass;";

		@Override
		public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
				byte[] bytes) {
			if (className == null) {
				return null;
			}
			if (className.equals(PARSER)) {
				return instrument(bytes, "processConfigurationClass", "(" + CONFIGURATION_CLASS, PARSE);
			}
			if (className.equals(CONDITION)) {
				return instrument(bytes, "matches", "(Lorg/springframework/context/annotation/ConditionContext;"
						+ "Lorg/springframework/core/type/AnnotatedTypeMetadata;)", CONDITIONS);
			}
			if (className.equals(READER)) {
				return instrument(bytes, "loadBeanDefinitionsForConfigurationClass", "(" + CONFIGURATION_CLASS,
						REGISTER);
			}
			if (className.startsWith("io/github/gracefulshutdown/")
					&& !className.startsWith("io/github/gracefulshutdown/sample/")
					&& className.endsWith("PostProcessor")) {
				return instrument(bytes, "postProcessAfterInitialization", "(Ljava/lang/Object;Ljava/lang/String;)",
						POST_PROCESS);
			}
			return null;
		}

		private byte[] instrument(byte[] bytes, String method, String descriptorPrefix, int probe) {
			ClassReader reader = new ClassReader(bytes);
			ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
			reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {

				@Override
				public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
						String[] exceptions) {
					MethodVisitor visitor = super.visitMethod(access, name, descriptor, signature, exceptions);
					boolean probed = name.equals(method) && descriptor.startsWith(descriptorPrefix)
							&& (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_BRIDGE)) == 0;
					return probed ? new ProbedMethod(visitor, probe) : visitor;
				}

			}, 0);
			return writer.toByteArray();
		}

	}

	/**
	 * A probed method: {@code enter(key, probe)} first, {@code exit(probe)} before every
	 * return and throw. The key is the configuration class's name (the first argument of
	 * the parser and the reader), the condition's class or method (SpringBootCondition's
	 * own {@code getClassOrMethodName}) or the bean name (the post-processor's second
	 * argument).
	 */
	private static final class ProbedMethod extends MethodVisitor {

		private static final String PROBE = "io/github/gracefulshutdown/bench/probe/StartupProbe";

		private final int probe;

		ProbedMethod(MethodVisitor visitor, int probe) {
			super(Opcodes.ASM9, visitor);
			this.probe = probe;
		}

		@Override
		public void visitCode() {
			super.visitCode();
			if (this.probe == POST_PROCESS) {
				super.visitVarInsn(Opcodes.ALOAD, 2);
			}
			else if (this.probe == CONDITIONS) {
				super.visitVarInsn(Opcodes.ALOAD, 2);
				super.visitMethodInsn(Opcodes.INVOKESTATIC, Transformer.CONDITION, "getClassOrMethodName",
						"(Lorg/springframework/core/type/AnnotatedTypeMetadata;)Ljava/lang/String;", false);
			}
			else {
				super.visitVarInsn(Opcodes.ALOAD, 1);
				super.visitMethodInsn(Opcodes.INVOKEVIRTUAL,
						"org/springframework/context/annotation/ConfigurationClass", "getMetadata",
						"()Lorg/springframework/core/type/AnnotationMetadata;", false);
				super.visitMethodInsn(Opcodes.INVOKEINTERFACE, "org/springframework/core/type/ClassMetadata",
						"getClassName", "()Ljava/lang/String;", true);
			}
			super.visitLdcInsn(this.probe);
			super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "enter", "(Ljava/lang/String;I)V", false);
		}

		@Override
		public void visitInsn(int opcode) {
			if ((opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) || opcode == Opcodes.ATHROW) {
				super.visitLdcInsn(this.probe);
				super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "exit", "(I)V", false);
			}
			super.visitInsn(opcode);
		}

	}

}

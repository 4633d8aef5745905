package io.github.gracefulshutdown.web;

/**
 * Integration tests of the graceful shutdown of a Spring WebFlux application on a real
 * Tomcat, closed as the shutdown hook would close it. Reactor Netty is on the class path
 * as well, so its server is left out.
 */
class WebFluxOnTomcatGracefulShutdownIntegrationTests extends AbstractWebFluxGracefulShutdownTests {

	@Override
	protected String[] serverArgs() {
		return new String[] { "--spring.autoconfigure.exclude="
				+ "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
				"--test.web-socket-upgrade=standard" };
	}

}

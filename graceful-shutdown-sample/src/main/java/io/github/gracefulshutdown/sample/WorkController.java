package io.github.gracefulshutdown.sample;

import java.time.Duration;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints that take as long as asked, to watch in-flight requests drain.
 */
@RestController
class WorkController {

	/**
	 * Work for the given number of milliseconds, then answer.
	 * @param ms how long to work
	 * @return what was done
	 * @throws InterruptedException if the request thread is interrupted
	 */
	@GetMapping("/work")
	String work(@RequestParam(defaultValue = "0") long ms) throws InterruptedException {
		Thread.sleep(ms);
		return "worked " + ms + " ms\n";
	}

	/**
	 * Simulate a handler that is stuck and ignores interrupts, to show the watchdog: the
	 * shutdown cannot end before it does.
	 * @param ms how long to stay stuck
	 * @return what was done
	 */
	@GetMapping("/stuck")
	String stuck(@RequestParam(defaultValue = "60000") long ms) {
		long deadline = System.nanoTime() + Duration.ofMillis(ms).toNanos();
		while (System.nanoTime() < deadline) {
			try {
				Thread.sleep(Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
			}
			catch (InterruptedException ex) {
				// Deliberately ignored: this handler simulates code that does not
				// honour interrupts
			}
		}
		return "was stuck for " + ms + " ms\n";
	}

}

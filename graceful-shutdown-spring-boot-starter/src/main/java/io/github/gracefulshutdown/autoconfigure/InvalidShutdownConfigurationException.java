package io.github.gracefulshutdown.autoconfigure;

/**
 * Thrown when the {@code graceful-shutdown.*} configuration cannot be honoured.
 * {@link InvalidShutdownConfigurationFailureAnalyzer} turns it into a startup failure
 * report that names the key, the value and a valid value.
 *
 * @since 0.1.0
 */
public class InvalidShutdownConfigurationException extends IllegalArgumentException {

	private final String key;

	private final Object value;

	private final String reason;

	private final String validValue;

	/**
	 * Create a new exception.
	 * @param key the configuration key, for example {@code graceful-shutdown.timeout}
	 * @param value the value that is invalid
	 * @param reason why the value is invalid, completing "must ..." or "is ..."
	 * @param validValue a value that would be accepted
	 */
	public InvalidShutdownConfigurationException(String key, Object value, String reason, String validValue) {
		super("Invalid value '" + value + "' for '" + key + "': " + reason);
		this.key = key;
		this.value = value;
		this.reason = reason;
		this.validValue = validValue;
	}

	/**
	 * Return the configuration key.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

	/**
	 * Return the invalid value.
	 * @return the value
	 */
	public Object getValue() {
		return this.value;
	}

	/**
	 * Return why the value is invalid.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Return a value that would be accepted.
	 * @return a valid value
	 */
	public String getValidValue() {
		return this.validValue;
	}

}

package io.github.gracefulshutdown.autoconfigure;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless an ancestor context runs the graceful shutdown, which its budget bean
 * marks. A name lookup in the ancestors rather than a bean condition on a type, which
 * would scan every bean definition at startup, and which needs a parent context to search
 * the ancestors.
 */
class TopmostContextCondition extends SpringBootCondition {

	static final String MARK = "gracefulShutdownBudget";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		BeanFactory parent = (beanFactory != null) ? beanFactory.getParentBeanFactory() : null;
		if (parent != null && parent.containsBean(MARK)) {
			return ConditionOutcome.noMatch("an ancestor context runs the graceful shutdown");
		}
		return ConditionOutcome.match("no ancestor context runs the graceful shutdown");
	}

}

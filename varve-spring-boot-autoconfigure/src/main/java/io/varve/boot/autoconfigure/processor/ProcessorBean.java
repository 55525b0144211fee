package io.varve.boot.autoconfigure.processor;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.util.StringUtils;

import io.varve.boot.VarveProcessor;
import io.varve.EventTypes;

/**
 * A {@code @VarveProcessor} bean as found: its handler methods, checked, and its reset
 * method.
 */
final class ProcessorBean {

	private final String beanName;

	private final String name;

	private final VarveProcessor annotation;

	private final List<HandlerMethod> typed;

	private final List<HandlerMethod> untyped;

	private final ResetMethod reset;

	private final HandlerDispatcher dispatcher;

	private ProcessorBean(String beanName, String name, VarveProcessor annotation, List<HandlerMethod> typed,
			List<HandlerMethod> untyped, ResetMethod reset) {
		this.beanName = beanName;
		this.name = name;
		this.annotation = annotation;
		this.typed = typed;
		this.untyped = untyped;
		this.reset = reset;
		this.dispatcher = new HandlerDispatcher(typed, untyped);
	}

	/**
	 * Collects and checks a bean's processor methods.
	 * @param beanName the bean name
	 * @param name the processor name, placeholders resolved, or empty for the bean name
	 * @param bean the bean, possibly a proxy
	 * @param annotation its annotation
	 * @param handlers its {@code @VarveHandler} methods, as declared on the target class
	 * @param resets its {@code @VarveReset} methods
	 * @return the processor bean
	 * @throws BeanInitializationException naming the bean, the method and what to change
	 */
	static ProcessorBean of(String beanName, String name, Object bean, VarveProcessor annotation, Set<Method> handlers,
			Set<Method> resets) {
		if (handlers.isEmpty()) {
			throw new BeanInitializationException("Bean '" + beanName + "' is a @VarveProcessor without "
					+ "@VarveHandler methods; annotate the methods that handle events with @VarveHandler");
		}
		if (resets.size() > 1) {
			throw new BeanInitializationException("Bean '" + beanName + "' has " + resets.size()
					+ " @VarveReset methods " + resets.stream().map(HandlerMethod::describe).toList()
					+ "; a processor has one reset method, merge them");
		}
		List<HandlerMethod> typed = new ArrayList<>();
		List<HandlerMethod> untyped = new ArrayList<>();
		for (Method method : handlers) {
			HandlerMethod handler = HandlerMethod.of(beanName, bean, method);
			if (handler.eventType() == null) {
				untyped.add(handler);
				continue;
			}
			for (HandlerMethod other : typed) {
				if (other.eventType() == handler.eventType()) {
					throw new BeanInitializationException("Bean '" + beanName + "' has two @VarveHandler methods for "
							+ handler.eventType().getSimpleName() + ": " + other + " and " + handler
							+ "; keep one (a handler also receives subclasses of its event type)");
				}
			}
			typed.add(handler);
		}
		ResetMethod reset = resets.isEmpty() ? null : ResetMethod.of(beanName, bean, resets.iterator().next());
		String processorName = StringUtils.hasText(name) ? name : beanName;
		ProcessorBean processorBean = new ProcessorBean(beanName, processorName, annotation, typed, untyped, reset);
		processorBean.checkDispatch();
		return processorBean;
	}

	/** Fails start-up when a known event class fits two handlers equally well. */
	private void checkDispatch() {
		for (Class<?> type : eventClasses()) {
			try {
				this.dispatcher.resolve(type);
			}
			catch (IllegalStateException ex) {
				throw new BeanInitializationException(ex.getMessage());
			}
		}
	}

	String beanName() {
		return this.beanName;
	}

	String name() {
		return this.name;
	}

	VarveProcessor annotation() {
		return this.annotation;
	}

	HandlerDispatcher dispatcher() {
		return this.dispatcher;
	}

	ResetMethod reset() {
		return this.reset;
	}

	/** Whether some handler method takes every event (a {@code RecordedEvent} alone). */
	boolean takesEveryEvent() {
		return !this.untyped.isEmpty();
	}

	/**
	 * The concrete event classes the handlers take, sealed hierarchies expanded; they are
	 * registered with the store so that stored events decode.
	 */
	List<Class<?>> eventClasses() {
		Set<Class<?>> classes = new LinkedHashSet<>();
		for (HandlerMethod handler : this.typed) {
			concreteClasses(handler.eventType(), classes);
		}
		return new ArrayList<>(classes);
	}

	/**
	 * The event type names the processor needs to see, or null when it needs every type:
	 * some handler takes every event, or a type whose subclasses cannot be known up front
	 * (one that is not final, sealed or a record). Then the dispatcher skips the events
	 * no handler takes by their type name, still without decoding them.
	 */
	List<String> derivedEventTypes() {
		if (!this.untyped.isEmpty()) {
			return null;
		}
		Set<String> names = new LinkedHashSet<>();
		for (HandlerMethod handler : this.typed) {
			Set<Class<?>> classes = new LinkedHashSet<>();
			if (!concreteClasses(handler.eventType(), classes)) {
				return null;
			}
			classes.forEach((type) -> names.add(EventTypes.nameOf(type)));
		}
		return new ArrayList<>(names);
	}

	/**
	 * Adds the concrete classes of a type: itself, or the permitted subclasses of a
	 * sealed type.
	 * @return false when the type has subclasses that cannot be known (an open supertype)
	 */
	private static boolean concreteClasses(Class<?> type, Set<Class<?>> into) {
		boolean isAbstract = type.isInterface() || Modifier.isAbstract(type.getModifiers());
		if (!isAbstract) {
			into.add(type);
		}
		if (type.isSealed()) {
			boolean closed = true;
			for (Class<?> permitted : type.getPermittedSubclasses()) {
				closed &= concreteClasses(permitted, into);
			}
			return closed;
		}
		return !isAbstract && Modifier.isFinal(type.getModifiers()) || !isAbstract && type.isRecord();
	}

}

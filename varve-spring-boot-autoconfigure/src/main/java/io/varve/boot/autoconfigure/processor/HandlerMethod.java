package io.varve.boot.autoconfigure.processor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.EventTypes;
import io.varve.processor.ProcessorContext;
import io.varve.processor.ProjectionStore;
import io.varve.processor.ProjectionView;

/**
 * One {@code @VarveHandler} method: which event type it takes and how to fill each of its
 * parameters. Invoked on the bean as the container holds it, proxy included.
 */
final class HandlerMethod {

	private final String beanName;

	private final Object bean;

	private final Method method;

	private final Method invocable;

	private final Parameter[] parameters;

	private final Class<?> eventType;

	private HandlerMethod(String beanName, Object bean, Method method, Method invocable, Parameter[] parameters,
			Class<?> eventType) {
		this.beanName = beanName;
		this.bean = bean;
		this.method = method;
		this.invocable = invocable;
		this.parameters = parameters;
		this.eventType = eventType;
	}

	/**
	 * Checks a handler method and works out its parameters.
	 * @param beanName the bean's name
	 * @param bean the bean (possibly a proxy)
	 * @param method the annotated method, as declared on the target class
	 * @return the handler method
	 * @throws BeanInitializationException naming the bean, the method and what to change
	 */
	static HandlerMethod of(String beanName, Object bean, Method method) {
		Class<?>[] types = method.getParameterTypes();
		Parameter[] parameters = new Parameter[types.length];
		Class<?> eventType = null;
		for (int i = 0; i < types.length; i++) {
			Parameter parameter = Parameter.of(types[i]);
			if (parameter == Parameter.EVENT) {
				checkEventType(beanName, method, i, types[i]);
				if (eventType != null) {
					throw invalid(beanName, method, "takes two events (" + eventType.getSimpleName() + " and "
							+ types[i].getSimpleName() + "); a handler takes one event, write one handler per type");
				}
				eventType = types[i];
			}
			else {
				for (int j = 0; j < i; j++) {
					if (parameters[j] == parameter) {
						throw invalid(beanName, method,
								"takes " + types[i].getSimpleName() + " twice; remove one of those parameters");
					}
				}
			}
			parameters[i] = parameter;
		}
		if (eventType == null && !contains(parameters, Parameter.RECORDED_EVENT)) {
			throw invalid(beanName, method, "has no event parameter; add a parameter of the event class it handles, "
					+ "or RecordedEvent to receive every event of the processor");
		}
		return new HandlerMethod(beanName, bean, method, invocable("@VarveHandler", beanName, bean, method), parameters,
				eventType);
	}

	/**
	 * The method to call on the bean, which may be a proxy, made accessible.
	 * @param annotation the method's annotation, for the message
	 * @param beanName the bean's name
	 * @param bean the bean
	 * @param method the annotated method, as declared on the target class
	 * @return the method to invoke
	 * @throws BeanInitializationException if the proxy does not expose the method
	 */
	static Method invocable(String annotation, String beanName, Object bean, Method method) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new BeanInitializationException(annotation + " method " + describe(method) + " of bean '" + beanName
					+ "' cannot be called through the bean's proxy (" + ex.getMessage()
					+ "); declare it on an interface the bean implements, or proxy the target class", ex);
		}
		ReflectionUtils.makeAccessible(invocable);
		return invocable;
	}

	private static void checkEventType(String beanName, Method method, int index, Class<?> type) {
		if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
			if (type.isPrimitive() || type.isArray() || type.getName().startsWith("java.")) {
				throw unknownParameter(beanName, method, index, type);
			}
			// A supertype: dispatch by the decoded event's class.
			return;
		}
		try {
			EventTypes.nameOf(type);
		}
		catch (InvalidArgumentException ex) {
			throw unknownParameter(beanName, method, index, type);
		}
	}

	private static BeanInitializationException unknownParameter(String beanName, Method method, int index,
			Class<?> type) {
		return invalid(beanName, method,
				"has parameter " + (index + 1) + " of type " + type.getTypeName()
						+ ", which is neither an event class (a record or class of your own) nor RecordedEvent, "
						+ "ProjectionStore or ProcessorContext; remove it or change its type");
	}

	static BeanInitializationException invalid(String beanName, Method method, String problem) {
		return new BeanInitializationException(
				"@VarveHandler method " + describe(method) + " of bean '" + beanName + "' " + problem);
	}

	static String describe(Method method) {
		StringBuilder sb = new StringBuilder(ClassUtils.getUserClass(method.getDeclaringClass()).getSimpleName());
		sb.append('.').append(method.getName()).append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			sb.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return sb.append(')').toString();
	}

	private static boolean contains(Parameter[] parameters, Parameter wanted) {
		for (Parameter parameter : parameters) {
			if (parameter == wanted) {
				return true;
			}
		}
		return false;
	}

	/** The event class it takes, or null when it takes every event. */
	Class<?> eventType() {
		return this.eventType;
	}

	String beanName() {
		return this.beanName;
	}

	Method method() {
		return this.method;
	}

	/**
	 * Calls the method.
	 * @param data the decoded event, or null for a method without an event parameter
	 * @param event the recorded event
	 * @param context the processor context
	 * @throws Exception what the method threw
	 */
	void invoke(Object data, RecordedEvent event, ProcessorContext context) throws Exception {
		Object[] args = new Object[this.parameters.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = switch (this.parameters[i]) {
				case EVENT -> data;
				case RECORDED_EVENT -> event;
				case PROJECTION_STORE -> context.projections();
				case CONTEXT -> context;
			};
		}
		try {
			this.invocable.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getTargetException();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	@Override
	public String toString() {
		return describe(this.method);
	}

	private enum Parameter {

		EVENT, RECORDED_EVENT, PROJECTION_STORE, CONTEXT;

		static Parameter of(Class<?> type) {
			if (type == RecordedEvent.class) {
				return RECORDED_EVENT;
			}
			if (type == ProjectionStore.class || type == ProjectionView.class) {
				return PROJECTION_STORE;
			}
			if (type == ProcessorContext.class) {
				return CONTEXT;
			}
			return EVENT;
		}

	}

}

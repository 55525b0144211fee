package io.varve.boot.autoconfigure.processor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.springframework.beans.factory.BeanInitializationException;

import io.varve.processor.ProjectionStore;
import io.varve.processor.ProjectionView;
import io.varve.processor.ResetCallback;

/**
 * A {@code @VarveReset} method as the processor's {@link ResetCallback}.
 */
final class ResetMethod implements ResetCallback {

	private final Object bean;

	private final Method invocable;

	private final boolean[] isStore;

	private ResetMethod(Object bean, Method invocable, boolean[] isStore) {
		this.bean = bean;
		this.invocable = invocable;
		this.isStore = isStore;
	}

	static ResetMethod of(String beanName, Object bean, Method method) {
		Class<?>[] types = method.getParameterTypes();
		boolean[] isStore = new boolean[types.length];
		boolean store = false;
		boolean position = false;
		for (int i = 0; i < types.length; i++) {
			if ((types[i] == ProjectionStore.class || types[i] == ProjectionView.class) && !store) {
				isStore[i] = store = true;
			}
			else if ((types[i] == long.class || types[i] == Long.class) && !position) {
				position = true;
			}
			else {
				throw new BeanInitializationException("@VarveReset method " + HandlerMethod.describe(method)
						+ " of bean '" + beanName + "' has parameter " + (i + 1) + " of type " + types[i].getTypeName()
						+ "; a reset method takes a ProjectionStore and/or a long (the first position handled again)");
			}
		}
		return new ResetMethod(bean, HandlerMethod.invocable("@VarveReset", beanName, bean, method), isStore);
	}

	@Override
	public void reset(ProjectionStore projections, long fromPosition) throws Exception {
		Object[] args = new Object[this.isStore.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.isStore[i] ? projections : (Object) fromPosition;
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

}

package io.varve;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the event type stored with each event of the annotated class, its schema version,
 * and the names it was stored under before. Without it the class's simple name is used,
 * at version 1. The name is what readers use to find the class again, so keep it stable
 * when you rename or move the class; when you must change it, list the old name in
 * {@link #aliases()}.
 *
 * <pre class="code">
 * &#64;EventType(value = "deposited", version = 2, aliases = "MoneyDeposited")
 * record Deposited(String account, long amountCents, String currency) {
 * }
 * </pre>
 *
 * <p>
 * Every stored event records its type name and the schema version of the class that wrote
 * it. When the class's version is higher than a stored event's, an {@link Upcaster}
 * registered for that name and version brings the event up to date as it is read (see
 * "Evolving events" in the README); a stored version that no upcaster leads from is
 * refused when the store opens or the class is first registered.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

	/**
	 * The type name: 1 to 255 bytes of UTF-8 in Unicode NFC, with no control, format or
	 * separator characters and no spaces but U+0020. Empty (the default) means the
	 * class's simple name.
	 * @return the name
	 */
	String value() default "";

	/**
	 * The schema version of the class: events it writes are stored with it. Start at 1
	 * (the default; events written before versions existed count as 1) and raise it by
	 * one when the stored form changes in a way old events need an {@link Upcaster} for.
	 * @return the version, at least 1
	 */
	int version() default 1;

	/**
	 * Names events of this type were stored under before (an earlier {@link #value()} or
	 * simple class name). Stored events of those names are read as this type, with the
	 * version they were stored with, and filters by this type's name find them too.
	 * @return the former names
	 */
	String[] aliases() default {};

}

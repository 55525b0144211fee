package io.varve;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the event type stored with each event of the annotated class. Without it the
 * class's simple name is used. The name is what readers use to find the class again, so
 * keep it stable when you rename or move the class.
 *
 * <pre class="code">
 * &#64;EventType("account-opened")
 * record AccountOpened(String owner) {
 * }
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

	/**
	 * The type name: 1 to 255 bytes of UTF-8 in Unicode NFC, with no control, format or
	 * separator characters and no spaces but U+0020.
	 * @return the name
	 */
	String value();

}

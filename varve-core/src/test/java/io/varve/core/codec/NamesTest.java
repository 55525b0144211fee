package io.varve.core.codec;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.varve.InvalidArgumentException;
import io.varve.InvalidStreamNameException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Names that look alike must not name different things: invisible characters, spaces
 * other than U+0020 and other spellings of the same text are refused, and the message
 * says which character at which index.
 */
class NamesTest {

	static Stream<Arguments> lookAlikes() {
		return Stream.of(Arguments.of("right-to-left override", "account-\u202E24", 8, "U+202E RIGHT-TO-LEFT OVERRIDE"),
				Arguments.of("zero width space", "account\u200B-1", 7, "U+200B ZERO WIDTH SPACE"),
				Arguments.of("byte order mark", "\uFEFFaccount-1", 0, "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
				Arguments.of("line separator", "account-\u20281", 8, "U+2028 LINE SEPARATOR"),
				Arguments.of("paragraph separator", "account-\u20291", 8, "U+2029 PARAGRAPH SEPARATOR"),
				Arguments.of("trailing no-break space", "account-1\u00A0", 9, "U+00A0 NO-BREAK SPACE"),
				Arguments.of("ideographic space", "account\u30001", 7, "U+3000 IDEOGRAPHIC SPACE"),
				Arguments.of("next line, a C1 control", "account-\u00851", 8, "U+0085"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("lookAlikes")
	void invisibleAndLookAlikeCharactersAreRefusedNamingTheCharacterAndItsIndex(String what, String name, int index,
			String character) {
		assertThatExceptionOfType(InvalidStreamNameException.class).isThrownBy(() -> Names.streamName(name))
			.withMessageContaining(character)
			.withMessageContaining("at index " + index)
			// The message shows the character escaped, never the character itself.
			.withMessageNotContaining(name.substring(index, index + 1));
	}

	@Test
	void aNameNotInNfcIsRefusedNamingTheCharacterAndHowToNormalise() {
		String decomposed = "caf" + "e\u0301" + "-1";
		assertThat(Normalizer.isNormalized(decomposed, Normalizer.Form.NFC)).isFalse();
		assertThatExceptionOfType(InvalidStreamNameException.class).isThrownBy(() -> Names.streamName(decomposed))
			.withMessageContaining("not in Unicode NFC")
			.withMessageContaining("U+0301 COMBINING ACUTE ACCENT at index 4")
			.withMessageContaining("java.text.Normalizer");
		// A character that NFC replaces by another is named too.
		assertThatExceptionOfType(InvalidStreamNameException.class).isThrownBy(() -> Names.streamName("size-\u212B"))
			.withMessageContaining("U+212B ANGSTROM SIGN at index 5");
	}

	@Test
	void visibleUnicodeInNfcAndInnerPlainSpacesAreAccepted() {
		for (String name : new String[] { "café-1", "konto-ü-7", "заказ-42", "注文-1", "\uD83C\uDF89-party", "my stream",
				Normalizer.normalize("cafe\u0301-2", Normalizer.Form.NFC) }) {
			assertThat(Names.streamName(name)).as(name).isEqualTo(name.getBytes(StandardCharsets.UTF_8));
		}
	}

	@Test
	void asciiNamesKeepTheirLimits() {
		assertThat(Names.streamName("a".repeat(255))).hasSize(255);
		assertThatExceptionOfType(InvalidStreamNameException.class).isThrownBy(() -> Names.streamName("a".repeat(256)))
			.withMessageContaining("256 bytes");
		assertThatExceptionOfType(InvalidStreamNameException.class).isThrownBy(() -> Names.streamName("a\u007Fb"))
			.withMessageContaining("control character U+007F")
			.withMessageContaining("at index 1");
		assertThatExceptionOfType(InvalidStreamNameException.class).isThrownBy(() -> Names.streamName("é".repeat(128)))
			.withMessageContaining("256 bytes");
	}

	@Test
	void theSameRulesHoldForTheOtherNames() {
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> Names.name("processor name", "audit\u202E"))
			.withMessageContaining("Invalid processor name")
			.withMessageContaining("U+202E RIGHT-TO-LEFT OVERRIDE at index 5");
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> Names.name("projection table name", "totals\u00A0"))
			.withMessageContaining("U+00A0 NO-BREAK SPACE at index 6");
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> Names.name("event type name", "Opene\u0301d"))
			.withMessageContaining("not in Unicode NFC");
	}

}

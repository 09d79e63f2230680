package io.github.memcachedserver.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The users of configuration and of memcached auth files ({@code -Y}): what is read, and the
 * exact refusals of malformed input.
 */
class InMemoryAuthenticatorTests {

	@Test
	void aRightPasswordAuthenticatesAndAnythingElseDoesNot() {
		InMemoryAuthenticator users = InMemoryAuthenticator.of(Map.of("app", "s3cret"));
		assertThat(users.authenticate("app", "s3cret").block()).isEqualTo(new AuthenticatedUser("app"));
		assertThat(users.authenticate("app", "S3CRET").block()).isNull();
		assertThat(users.authenticate("app", "").block()).isNull();
		assertThat(users.authenticate("bob", "s3cret").block()).isNull();
		assertThat(users.passwordOf("app")).isEqualTo("s3cret");
		assertThat(users.passwordOf("bob")).isNull();
	}

	@Test
	void anAuthFileHoldsOneUserPerLineWithEverythingAfterTheFirstColonAsThePassword(@TempDir Path directory)
			throws IOException {
		Path file = Files.writeString(directory.resolve("users"), "app:s3cret\n\n  ops:pa:ss  \n");
		assertThat(InMemoryAuthenticator.readAuthFile(file)).containsExactly(Map.entry("app", "s3cret"),
				Map.entry("ops", "pa:ss"));
		assertThat(InMemoryAuthenticator.fromAuthFile(file).authenticate("ops", "pa:ss").block())
			.isEqualTo(new AuthenticatedUser("ops"));
	}

	@Test
	void aLineThatIsNotUserColonPasswordIsRefusedWithItsNumber(@TempDir Path directory) throws IOException {
		Path file = Files.writeString(directory.resolve("users"), "app:s3cret\nnocolon\n");
		assertThatIllegalArgumentException().isThrownBy(() -> InMemoryAuthenticator.readAuthFile(file))
			.withMessage("Line 2 of auth file " + file + " is not user:password");
		Path emptyPassword = Files.writeString(directory.resolve("empty"), "app:\n");
		assertThatIllegalArgumentException().isThrownBy(() -> InMemoryAuthenticator.readAuthFile(emptyPassword))
			.withMessage("Line 1 of auth file " + emptyPassword + " is not user:password");
	}

	@Test
	void noUsersOrAnEmptyPasswordIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> InMemoryAuthenticator.of(Map.of()))
			.withMessage("At least one user is needed");
		assertThatIllegalArgumentException().isThrownBy(() -> InMemoryAuthenticator.of(Map.of("app", "")))
			.withMessage("User 'app' needs a non-empty name and password");
	}

}

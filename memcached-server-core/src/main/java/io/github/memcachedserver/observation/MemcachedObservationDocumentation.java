package io.github.memcachedserver.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observation a server makes of every command it answers.
 *
 * @since 0.1.0
 */
public enum MemcachedObservationDocumentation implements ObservationDocumentation {

	/** One command, from its decoding until its answer is complete. */
	COMMAND {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultMemcachedObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/** The key values of meters and spans. */
	public enum LowCardinalityKeyNames implements KeyName {

		/** {@code text}, {@code meta} or {@code binary}. */
		PROTOCOL {
			@Override
			public String asString() {
				return "protocol";
			}
		},

		/** The command's protocol name, e.g. {@code get}, {@code mg}, {@code getkq}. */
		COMMAND {
			@Override
			public String asString() {
				return "command";
			}
		},

		/** What became of it, see {@link MemcachedObservationContext#getOutcome()}. */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		}

	}

	/** The key values of spans only. */
	public enum HighCardinalityKeyNames implements KeyName {

		/** The client's IP address. */
		CLIENT_ADDRESS {
			@Override
			public String asString() {
				return "client.address";
			}
		}

	}

}

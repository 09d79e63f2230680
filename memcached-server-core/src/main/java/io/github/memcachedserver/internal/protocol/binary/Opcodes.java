package io.github.memcachedserver.internal.protocol.binary;

/**
 * The binary protocol's opcodes and status codes (memcached-protocol-binary.txt).
 *
 * @since 0.1.0
 */
public final class Opcodes {

	/** Magic byte of a request. */
	public static final int REQUEST_MAGIC = 0x80;

	/** Magic byte of a response. */
	public static final int RESPONSE_MAGIC = 0x81;

	public static final int GET = 0x00;

	public static final int SET = 0x01;

	public static final int ADD = 0x02;

	public static final int REPLACE = 0x03;

	public static final int DELETE = 0x04;

	public static final int INCREMENT = 0x05;

	public static final int DECREMENT = 0x06;

	public static final int QUIT = 0x07;

	public static final int FLUSH = 0x08;

	public static final int GETQ = 0x09;

	public static final int NOOP = 0x0a;

	public static final int VERSION = 0x0b;

	public static final int GETK = 0x0c;

	public static final int GETKQ = 0x0d;

	public static final int APPEND = 0x0e;

	public static final int PREPEND = 0x0f;

	public static final int STAT = 0x10;

	public static final int SETQ = 0x11;

	public static final int ADDQ = 0x12;

	public static final int REPLACEQ = 0x13;

	public static final int DELETEQ = 0x14;

	public static final int INCREMENTQ = 0x15;

	public static final int DECREMENTQ = 0x16;

	public static final int QUITQ = 0x17;

	public static final int FLUSHQ = 0x18;

	public static final int APPENDQ = 0x19;

	public static final int PREPENDQ = 0x1a;

	public static final int TOUCH = 0x1c;

	public static final int GAT = 0x1d;

	public static final int GATQ = 0x1e;

	public static final int SASL_LIST_MECHS = 0x20;

	public static final int SASL_AUTH = 0x21;

	public static final int SASL_STEP = 0x22;

	public static final int GATK = 0x23;

	public static final int GATKQ = 0x24;

	/** No error. */
	public static final int STATUS_OK = 0x0000;

	public static final int STATUS_KEY_NOT_FOUND = 0x0001;

	public static final int STATUS_KEY_EXISTS = 0x0002;

	public static final int STATUS_TOO_LARGE = 0x0003;

	public static final int STATUS_INVALID_ARGUMENTS = 0x0004;

	public static final int STATUS_NOT_STORED = 0x0005;

	public static final int STATUS_NON_NUMERIC = 0x0006;

	public static final int STATUS_UNKNOWN_COMMAND = 0x0081;

	/** No room for the value: the budget for values still arriving is spent. */
	public static final int STATUS_OUT_OF_MEMORY = 0x0082;

	/** Authentication required or refused; also memcached's answer to a disabled Flush. */
	public static final int STATUS_AUTH_ERROR = 0x0020;

	/** A SASL exchange goes on: the body is the server's challenge. */
	public static final int STATUS_AUTH_CONTINUE = 0x0021;

	/** A handler failed (memcached's internal error status). */
	public static final int STATUS_INTERNAL_ERROR = 0x0084;

	private Opcodes() {
	}

	/**
	 * Maps a quiet opcode to its plain one.
	 * @param opcode the opcode
	 * @return the plain opcode, or the opcode itself
	 */
	public static int plain(int opcode) {
		return switch (opcode) {
			case GETQ -> GET;
			case GETKQ -> GETK;
			case SETQ -> SET;
			case ADDQ -> ADD;
			case REPLACEQ -> REPLACE;
			case DELETEQ -> DELETE;
			case INCREMENTQ -> INCREMENT;
			case DECREMENTQ -> DECREMENT;
			case QUITQ -> QUIT;
			case FLUSHQ -> FLUSH;
			case APPENDQ -> APPEND;
			case PREPENDQ -> PREPEND;
			case GATQ -> GAT;
			case GATKQ -> GATK;
			default -> opcode;
		};
	}

	/**
	 * Tells whether memcached 1.6 serves a plain opcode.
	 * @param opcode the plain opcode
	 * @param sasl whether SASL authentication is on (when off, memcached answers its
	 * requests "unknown command")
	 * @return whether it is served
	 */
	public static boolean isKnown(int opcode, boolean sasl) {
		return switch (opcode) {
			case GET, GETK, SET, ADD, REPLACE, DELETE, INCREMENT, DECREMENT, QUIT, FLUSH, NOOP, VERSION, APPEND,
					PREPEND, STAT, TOUCH, GAT, GATK -> true;
			case SASL_LIST_MECHS, SASL_AUTH, SASL_STEP -> sasl;
			default -> false;
		};
	}

	/**
	 * Returns the protocol name of a plain opcode, as metrics tag it.
	 * @param opcode the plain opcode
	 * @return the name
	 */
	public static String name(int opcode) {
		return switch (opcode) {
			case GET -> "get";
			case GETK -> "getk";
			case SET -> "set";
			case ADD -> "add";
			case REPLACE -> "replace";
			case DELETE -> "delete";
			case INCREMENT -> "incr";
			case DECREMENT -> "decr";
			case QUIT -> "quit";
			case FLUSH -> "flush_all";
			case NOOP -> "noop";
			case VERSION -> "version";
			case APPEND -> "append";
			case PREPEND -> "prepend";
			case STAT -> "stats";
			case TOUCH -> "touch";
			case GAT -> "gat";
			case GATK -> "gatk";
			case SASL_LIST_MECHS -> "sasl_list_mechs";
			case SASL_AUTH -> "sasl_auth";
			case SASL_STEP -> "sasl_step";
			default -> "unknown";
		};
	}

	/**
	 * Returns memcached's error text for a status.
	 * @param status the status
	 * @return the text sent as the body of the error response
	 */
	public static String errorText(int status) {
		return switch (status) {
			case STATUS_KEY_NOT_FOUND -> "Not found";
			case STATUS_KEY_EXISTS -> "Data exists for key.";
			case STATUS_TOO_LARGE -> "Too large.";
			case STATUS_INVALID_ARGUMENTS -> "Invalid arguments";
			case STATUS_NOT_STORED -> "Not stored.";
			case STATUS_NON_NUMERIC -> "Non-numeric server-side value for incr or decr";
			case STATUS_UNKNOWN_COMMAND -> "Unknown command";
			case STATUS_AUTH_ERROR -> "Auth failure.";
			default -> "Out of memory";
		};
	}

}

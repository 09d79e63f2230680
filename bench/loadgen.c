/*
 * loadgen: a small load generator for the memcached text and meta protocols, in C so that the
 * client is never the bottleneck (one epoll thread drives 1,000 connections at 20,000 ops/s with
 * room to spare). Meant to be pinned to one core with taskset. Build: gcc -O2 -o loadgen loadgen.c
 *
 * Every reply is checked byte for byte: a get hit must be exactly
 * "VALUE <key> <flags> <len>\r\n<data>\r\nEND\r\n" with the data and flags that belong to the key
 * (values are a pure function of the key and the value size, so a concurrent set on another
 * connection cannot make a correct reply look wrong); a set must be answered "STORED\r\n".
 * Anything else is an error, and so is a reply that never arrives or a connection that closes.
 * All keys are stored first, so a get miss is an error too. --protocol meta sends
 * "mg <key> v" / "ms <key> <len>" and expects "VA <len>\r\n<data>\r\n" / "HD\r\n".
 *
 * Closed loop (default), per connection: --mode window keeps --depth requests in flight, topping
 * the window up in one write whenever replies arrive; --mode batch writes --depth requests,
 * waits for all replies, and repeats. Latency runs from the write to the reply's last byte.
 *
 * Open loop, --rate R: requests are due at a fixed total rate, round-robin over the connections,
 * and latency runs from each request's intended send time, so a server that stalls is charged
 * for every request queued behind the stall (no coordinated omission). A connection keeps at
 * most --depth requests in flight; a due request beyond that waits in the connection's backlog,
 * and the wait counts. The loop busy-polls to send on time; its own lateness is reported as
 * "scheduler lag" and must stay far below the latencies reported.
 *
 * --fill N only stores N distinct keys of exactly --key-size bytes ("mem:" and digits), every
 * answer checked, then reads back a sample of 10,000; it measures memory per item.
 *
 * --timeline FILE writes the measured window as one line per 10 ms of it (of intended send times
 * in open loop): "<ms> <requests> <slower than 100 us> <slower than 1 ms> <max us>". It tells a
 * tail made of a few stalls from one spread over the whole window.
 *
 * The output ends with one machine-readable line starting with RESULT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- options */
static const char *host = "127.0.0.1";
static int port = 11211;
static int conns = 50;
static int depth = 1;
static double duration_sec = 10;
static double warmup_sec = 2;
static int key_count = 10000;
static int preload = 1; /* --preload 0: the keys are already stored, by an earlier run with the same keys and sizes */
static int value_size = 100;
static double get_ratio = 0.9;
static double drain_sec = 5;
static int64_t seed = 42;
static int batch_mode = 0;
static int meta = 0;
static double rate = 0;
static int fill = 0;
static int key_size = 32;
static int key_size_given = 0;

/* ---------------------------------------------------------------- data set */
static char *values;     /* key_count * value_size bytes: the value of key k at k * value_size */
static char *key_names;  /* key_count * key_stride bytes, each NUL-terminated */
static int key_stride;

#define GET 0
#define SET 1

static const char *key_of(int k) { return key_names + (size_t)k * key_stride; }
static const char *value_of(int k) { return values + (size_t)k * value_size; }
static int flags_of(int k) { return (k * 7919) & 0xFFFF; }

static void make_value(int64_t k, char *out) {
	uint64_t x = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(k + 1) * 0xBF58476D1CE4E5B9ULL;
	for (int i = 0; i < value_size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		out[i] = (char)('a' + x % 26);
	}
}

static void format_key(char *out, size_t cap, const char *prefix, int k, int width) {
	if (width > 0) {
		int digits = snprintf(NULL, 0, "%d", k);
		int pad = width - (int)strlen(prefix) - digits;
		snprintf(out, cap, "%s%0*d", prefix, digits + (pad > 0 ? pad : 0), k);
	}
	else {
		snprintf(out, cap, "%s%07d", prefix, k);
	}
}

static void build_data_set(void) {
	key_stride = (key_size_given ? key_size : 14) + 1;
	if (key_stride < 16) {
		key_stride = 16;
	}
	values = malloc((size_t)key_count * value_size + 1);
	key_names = malloc((size_t)key_count * key_stride);
	if (!values || !key_names) {
		fprintf(stderr, "out of memory for %d keys\n", key_count);
		exit(1);
	}
	for (int k = 0; k < key_count; k++) {
		make_value(k, values + (size_t)k * value_size);
		format_key(key_names + (size_t)k * key_stride, key_stride, "lg:key:", k, key_size_given ? key_size : 0);
	}
}

/* ---------------------------------------------------------------- time and histograms */
static int64_t nanos(clockid_t clock) {
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#define HIST_MAX_US 1000000
#define HIST_MAX_MS 60000
static int64_t hist[HIST_MAX_US];
static int64_t hist_ms[HIST_MAX_MS + 1];
static int64_t lag_hist[HIST_MAX_US + 1];
static int64_t lag_count, lag_max_us;

static int64_t m_gets, m_sets, m_errors, total_ops, total_errors, misses;
static int64_t read_calls, write_calls, requests_written;
static int errors_printed;
static int64_t measure_start, measure_end;

/* --timeline: the measured window in slices of 10 ms */
#define SLICE_NS 10000000LL
#define SLICES_MAX 360000
static const char *timeline_file;
static int64_t (*slices)[4]; /* requests, over 100 us, over 1 ms, max us */

static void error_at(int conn, const char *fmt, ...) {
	if (errors_printed++ < 10) {
		va_list ap;
		va_start(ap, fmt);
		fprintf(stderr, "ERROR conn %d: ", conn);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}

/* ---------------------------------------------------------------- connections */
typedef struct {
	const char *p;
	int len;
} segment;

typedef struct {
	int id, fd, open, dirty, want_write;
	uint64_t rnd;
	char *out;
	int out_len, out_cap;
	/* FIFO of outstanding requests (capacity depth) */
	int *q_key;
	char *q_type;
	int64_t *q_sent;
	int q_head, in_flight;
	int64_t lost_on_close;
	/* open loop: intended send times of due requests not yet written (grows) */
	int64_t *bl;
	int bl_cap, bl_head, backlog;
	/* the reply being matched: up to three segments, and how far into them */
	segment expect[3];
	int n_expect, seg, seg_pos, expecting, expect_miss;
	char header[96];
} conn;

static conn *all;
static int epfd;

static uint64_t next_random(conn *c) {
	uint64_t x = c->rnd;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rnd = x;
	return x;
}

static void put(conn *c, const void *p, int n) {
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
}

static void put_set(conn *c, int k) {
	char line[128];
	int n = meta ? snprintf(line, sizeof line, "ms %s %d\r\n", key_of(k), value_size)
			: snprintf(line, sizeof line, "set %s %d 0 %d\r\n", key_of(k), flags_of(k), value_size);
	put(c, line, n);
	put(c, value_of(k), value_size);
	put(c, "\r\n", 2);
}

static void send_one(conn *c, int64_t t0) {
	uint64_t r = next_random(c);
	int k = (int)((r >> 16) % (uint64_t)key_count);
	int type = ((r & 0xFFFF) < (uint64_t)(get_ratio * 65536)) ? GET : SET;
	if (type == GET) {
		char line[128];
		int n = snprintf(line, sizeof line, meta ? "mg %s v\r\n" : "get %s\r\n", key_of(k));
		put(c, line, n);
	}
	else {
		put_set(c, k);
	}
	requests_written++;
	int slot = (c->q_head + c->in_flight) % depth;
	c->q_key[slot] = k;
	c->q_type[slot] = (char)type;
	c->q_sent[slot] = t0;
	c->in_flight++;
}

static void fill_window(conn *c, int64_t now) {
	while (c->in_flight < depth) {
		send_one(c, now);
	}
}

static void schedule(conn *c, int64_t intended) {
	if (c->in_flight < depth && c->backlog == 0) {
		send_one(c, intended);
		return;
	}
	if (c->backlog == c->bl_cap) {
		int64_t *grown = malloc(sizeof(int64_t) * c->bl_cap * 2);
		for (int i = 0; i < c->backlog; i++) {
			grown[i] = c->bl[(c->bl_head + i) % c->bl_cap];
		}
		free(c->bl);
		c->bl = grown;
		c->bl_cap *= 2;
		c->bl_head = 0;
	}
	c->bl[(c->bl_head + c->backlog) % c->bl_cap] = intended;
	c->backlog++;
}

static int drain_backlog(conn *c) {
	int sent = 0;
	while (c->backlog > 0 && c->in_flight < depth) {
		send_one(c, c->bl[c->bl_head]);
		c->bl_head = (c->bl_head + 1) % c->bl_cap;
		c->backlog--;
		sent = 1;
	}
	return sent;
}

static void fail(conn *c, const char *why) {
	error_at(c->id, "%s", why);
	total_errors++;
	c->lost_on_close = (c->in_flight > 1 ? c->in_flight - 1 : 0) + c->backlog;
	c->open = 0;
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
}

static void watch(conn *c, int want_write) {
	if (c->want_write != want_write) {
		struct epoll_event ev = {.events = EPOLLIN | (want_write ? EPOLLOUT : 0), .data.ptr = c};
		epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_write = want_write;
	}
}

static void flush_out(conn *c) {
	if (c->out_len > 0) {
		ssize_t n = write(c->fd, c->out, c->out_len);
		write_calls++;
		if (n < 0 && errno != EAGAIN) {
			char why[96];
			snprintf(why, sizeof why, "write failed: %s", strerror(errno));
			c->out_len = 0;
			fail(c, why);
			return;
		}
		if (n > 0) {
			memmove(c->out, c->out + n, c->out_len - n);
			c->out_len -= (int)n;
		}
	}
	watch(c, c->out_len > 0);
}

/* Sets up the segments the head request's reply must consist of, given the reply's first byte. */
static int begin_reply(conn *c, char first) {
	int k = c->q_key[c->q_head];
	c->seg = 0;
	c->seg_pos = 0;
	c->expect_miss = 0;
	if (c->q_type[c->q_head] == SET) {
		c->expect[0] = (segment){meta ? "HD\r\n" : "STORED\r\n", meta ? 4 : 8};
		c->n_expect = 1;
	}
	else if (first == 'V') {
		int n = meta ? snprintf(c->header, sizeof c->header, "VA %d\r\n", value_size)
				: snprintf(c->header, sizeof c->header, "VALUE %s %d %d\r\n", key_of(k), flags_of(k), value_size);
		c->expect[0] = (segment){c->header, n};
		c->expect[1] = (segment){value_of(k), value_size};
		c->expect[2] = (segment){meta ? "\r\n" : "\r\nEND\r\n", meta ? 2 : 7};
		c->n_expect = 3;
	}
	else if (first == 'E') {
		c->expect[0] = (segment){meta ? "EN\r\n" : "END\r\n", meta ? 4 : 5};
		c->n_expect = 1;
		c->expect_miss = 1;
	}
	else {
		return 0;
	}
	c->expecting = 1;
	return 1;
}

static void complete(conn *c, int64_t now) {
	int slot = c->q_head;
	total_ops++;
	if (c->expect_miss) {
		misses++;
		total_errors++;
		error_at(c->id, "get miss for preloaded key %d", c->q_key[slot]);
	}
	int64_t t0 = c->q_sent[slot];
	int64_t t = rate > 0 ? t0 : now;
	if (t >= measure_start && t < measure_end) {
		if (c->q_type[slot] == GET) {
			m_gets++;
		}
		else {
			m_sets++;
		}
		if (c->expect_miss) {
			m_errors++;
		}
		int64_t us = (now - t0) / 1000;
		if (slices) {
			int64_t *slice = slices[(t - measure_start) / SLICE_NS];
			slice[0]++;
			slice[1] += us > 100;
			slice[2] += us > 1000;
			if (us > slice[3]) {
				slice[3] = us;
			}
		}
		if (us < HIST_MAX_US) {
			hist[us]++;
		}
		else {
			hist_ms[us / 1000 < HIST_MAX_MS ? us / 1000 : HIST_MAX_MS]++;
		}
	}
	c->expecting = 0;
	c->q_head = (c->q_head + 1) % depth;
	c->in_flight--;
}

static char in_buf[256 * 1024];

static void read_replies(conn *c, int sending) {
	ssize_t n = read(c->fd, in_buf, sizeof in_buf);
	read_calls++;
	if (n < 0) {
		if (errno == EAGAIN) {
			return;
		}
		char why[96];
		snprintf(why, sizeof why, "read failed: %s", strerror(errno));
		fail(c, why);
		return;
	}
	if (n == 0) {
		char why[96];
		snprintf(why, sizeof why, "connection closed by server with %d request(s) outstanding", c->in_flight);
		fail(c, why);
		return;
	}
	int64_t now = nanos(CLOCK_MONOTONIC);
	ssize_t pos = 0;
	while (pos < n) {
		if (c->in_flight == 0) {
			fail(c, "unsolicited bytes from server");
			return;
		}
		if (!c->expecting && !begin_reply(c, in_buf[pos])) {
			char why[128];
			snprintf(why, sizeof why, "unexpected reply to get of key %d: '%.40s'", c->q_key[c->q_head], in_buf + pos);
			fail(c, why);
			return;
		}
		segment *s = &c->expect[c->seg];
		int len = s->len - c->seg_pos;
		if (len > n - pos) {
			len = (int)(n - pos);
		}
		if (memcmp(in_buf + pos, s->p + c->seg_pos, len) != 0) {
			char why[160];
			snprintf(why, sizeof why, "reply mismatch for %s of key %d in part %d: '%.40s'",
					c->q_type[c->q_head] == GET ? "get" : "set", c->q_key[c->q_head], c->seg, in_buf + pos);
			fail(c, why);
			return;
		}
		pos += len;
		c->seg_pos += len;
		if (c->seg_pos == s->len) {
			c->seg++;
			c->seg_pos = 0;
			if (c->seg == c->n_expect) {
				complete(c, now);
			}
		}
	}
	if (rate > 0) {
		if (drain_backlog(c)) {
			flush_out(c);
		}
	}
	else if (sending && now < measure_end && (!batch_mode || c->in_flight == 0)) {
		fill_window(c, now);
		flush_out(c);
	}
}

/* ---------------------------------------------------------------- blocking setup: preload and fill */
static int connect_to(int nonblocking) {
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
	char service[16];
	snprintf(service, sizeof service, "%d", port);
	if (getaddrinfo(host, service, &hints, &res) != 0) {
		fprintf(stderr, "cannot resolve %s\n", host);
		exit(1);
	}
	int fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		fprintf(stderr, "cannot connect to %s:%d: %s\n", host, port, strerror(errno));
		exit(1);
	}
	freeaddrinfo(res);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (nonblocking) {
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	}
	return fd;
}

static void write_all(int fd, const char *p, size_t n) {
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0) {
			fprintf(stderr, "write failed: %s\n", strerror(errno));
			exit(1);
		}
		p += w;
		n -= (size_t)w;
	}
}

static void read_exactly(int fd, char *p, size_t n, const char *during) {
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r <= 0) {
			fprintf(stderr, "server closed the connection during %s\n", during);
			exit(1);
		}
		p += r;
		n -= (size_t)r;
	}
}

/* Stores keys [0, count) in pipelined batches of text sets (flags too), checking every STORED. */
static void store_all(int fd, int count, void (*key)(int, char *, size_t), const char *during) {
	int per = (1 << 20) / (value_size + 300);
	per = per < 1 ? 1 : per > 1000 ? 1000 : per;
	char *out = malloc((size_t)per * (value_size + 300));
	char *answers = malloc((size_t)per * 8);
	char name[256];
	for (int from = 0; from < count; from += per) {
		int to = from + per < count ? from + per : count;
		size_t len = 0;
		for (int k = from; k < to; k++) {
			key(k, name, sizeof name);
			len += sprintf(out + len, "set %s %d 0 %d\r\n", name, flags_of(k), value_size);
			make_value(k, out + len);
			len += value_size;
			out[len++] = '\r';
			out[len++] = '\n';
		}
		write_all(fd, out, len);
		read_exactly(fd, answers, (size_t)(to - from) * 8, during);
		for (int i = 0; i < to - from; i++) {
			if (memcmp(answers + i * 8, "STORED\r\n", 8) != 0) {
				fprintf(stderr, "%s: unexpected reply '%.8s'\n", during, answers + i * 8);
				exit(2);
			}
		}
	}
	free(out);
	free(answers);
}

static void load_key(int k, char *out, size_t cap) { snprintf(out, cap, "%s", key_of(k)); }
static void fill_key(int k, char *out, size_t cap) { format_key(out, cap, "mem:", k, key_size); }

static void fill_only(void) {
	int64_t t0 = nanos(CLOCK_MONOTONIC);
	int fd = connect_to(0);
	store_all(fd, fill, fill_key, "fill");
	int sample = fill < 10000 ? fill : 10000;
	char name[256], request[300], *expect = malloc(value_size + 400), *got = malloc(value_size + 400);
	for (int i = 0; i < sample; i++) {
		int k = (int)((int64_t)i * fill / sample);
		fill_key(k, name, sizeof name);
		int n = sprintf(expect, "VALUE %s %d %d\r\n", name, flags_of(k), value_size);
		make_value(k, expect + n);
		n += value_size;
		n += sprintf(expect + n, "\r\nEND\r\n");
		write_all(fd, request, sprintf(request, "get %s\r\n", name));
		read_exactly(fd, got, n, "read-back");
		if (memcmp(got, expect, n) != 0) {
			fprintf(stderr, "read-back of %s (evicted or wrong?): '%.60s'\n", name, got);
			exit(2);
		}
	}
	close(fd);
	printf("filled %d keys of %d bytes with %d-byte values in %.1f s, %d read back OK\n", fill, key_size, value_size,
			(nanos(CLOCK_MONOTONIC) - t0) / 1e9, sample);
	printf("RESULT filled=%d errors=0\n", fill);
}

/* ---------------------------------------------------------------- report */
static int64_t percentile_us(double p, int64_t total) {
	int64_t rank = (int64_t)(p * total + 0.999999999);
	if (rank <= 0) {
		return 0;
	}
	int64_t seen = 0;
	for (int i = 0; i < HIST_MAX_US; i++) {
		if ((seen += hist[i]) >= rank) {
			return i;
		}
	}
	for (int i = 0; i <= HIST_MAX_MS; i++) {
		if ((seen += hist_ms[i]) >= rank) {
			return i * 1000LL;
		}
	}
	return HIST_MAX_MS * 1000LL;
}

static int64_t lag_percentile_us(double p) {
	int64_t rank = (int64_t)(p * lag_count + 0.999999999), seen = 0;
	for (int i = 0; i <= HIST_MAX_US && rank > 0; i++) {
		if ((seen += lag_hist[i]) >= rank) {
			return i;
		}
	}
	return 0;
}

static void report(double client_cpu_pct) {
	int64_t ops = m_gets + m_sets;
	double ops_per_sec = ops / duration_sec;
	int64_t p50 = percentile_us(0.50, ops), p99 = percentile_us(0.99, ops), p999 = percentile_us(0.999, ops),
			max = percentile_us(1.0, ops);
	char mode[64];
	if (rate > 0) {
		snprintf(mode, sizeof mode, "open-loop rate=%.0f/s", rate);
	}
	else {
		snprintf(mode, sizeof mode, "%s", batch_mode ? "batch" : "window");
	}
	printf("target %s:%d protocol=%s conns=%d depth=%d mode=%s keys=%d value=%dB get=%.0f%% warmup=%.1fs "
			"measured=%.1fs\n", host, port, meta ? "meta" : "text", conns, depth, mode, key_count, value_size,
			get_ratio * 100, warmup_sec, duration_sec);
	printf("measured: %lld ops (%lld get, %lld set) = %.0f ops/s\n", (long long)ops, (long long)m_gets,
			(long long)m_sets, ops_per_sec);
	printf("latency (%s -> full reply, us): p50=%lld p90=%lld p95=%lld p99=%lld p99.9=%lld max=%lld\n",
			rate > 0 ? "intended send time" : "send", (long long)p50, (long long)percentile_us(0.90, ops),
			(long long)percentile_us(0.95, ops), (long long)p99, (long long)p999, (long long)max);
	if (rate > 0) {
		printf("scheduler lag (client lateness, us): p50=%lld p99=%lld p99.9=%lld max=%lld\n",
				(long long)lag_percentile_us(0.5), (long long)lag_percentile_us(0.99),
				(long long)lag_percentile_us(0.999), (long long)lag_max_us);
	}
	printf("whole run: %lld replies verified, %lld errors (%lld misses)\n", (long long)total_ops,
			(long long)total_errors, (long long)misses);
	printf("client: %.2f requests per write(), %.2f replies per read(), loop thread CPU %.0f%% of the measured "
			"window\n", requests_written / (double)(write_calls ? write_calls : 1),
			total_ops / (double)(read_calls ? read_calls : 1), client_cpu_pct);
	printf("RESULT ops_per_sec=%.0f p50_us=%lld p99_us=%lld errors=%lld p999_us=%lld client_cpu=%.0f max_us=%lld\n",
			ops_per_sec, (long long)p50, (long long)p99, (long long)total_errors, (long long)p999, client_cpu_pct,
			(long long)max);
}

static void write_timeline(void) {
	FILE *out = fopen(timeline_file, "w");
	if (!out) {
		perror(timeline_file);
		exit(1);
	}
	for (int64_t i = 0; i * SLICE_NS < measure_end - measure_start; i++) {
		fprintf(out, "%lld %lld %lld %lld %lld\n", (long long)(i * SLICE_NS / 1000000), (long long)slices[i][0],
				(long long)slices[i][1], (long long)slices[i][2], (long long)slices[i][3]);
	}
	fclose(out);
}

/* ---------------------------------------------------------------- the load loop */
static void run_load(void) {
	build_data_set();
	if (preload) {
		int preload_fd = connect_to(0);
		store_all(preload_fd, key_count, load_key, "preload");
		close(preload_fd);
	}

	struct rlimit files;
	if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < (rlim_t)conns + 64) {
		files.rlim_cur = files.rlim_max;  /* 1,000 connections need more than the usual soft limit */
		setrlimit(RLIMIT_NOFILE, &files);
	}
	epfd = epoll_create1(0);
	all = calloc(conns, sizeof(conn));
	int out_cap = (depth + 1) * (value_size + 160);
	out_cap = out_cap < 16384 ? 16384 : out_cap;
	for (int i = 0; i < conns; i++) {
		conn *c = &all[i];
		c->id = i;
		c->fd = connect_to(1);
		c->open = 1;
		c->rnd = (uint64_t)(seed * 1000003LL + i);
		c->rnd = c->rnd ? c->rnd : 0x9E3779B97F4A7C15ULL;
		c->out = malloc(out_cap);
		c->out_cap = out_cap;
		c->q_key = malloc(sizeof(int) * depth);
		c->q_type = malloc(depth);
		c->q_sent = malloc(sizeof(int64_t) * depth);
		c->bl_cap = 16;
		c->bl = malloc(sizeof(int64_t) * c->bl_cap);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
	}

	int64_t start = nanos(CLOCK_MONOTONIC);
	measure_start = start + (int64_t)(warmup_sec * 1e9);
	measure_end = measure_start + (int64_t)(duration_sec * 1e9);
	int64_t drain_end = measure_end + (int64_t)(drain_sec * 1e9);
	int64_t cpu_at_start = -1, cpu_at_end = -1;
	int open_loop = rate > 0;
	double nanos_per_op = open_loop ? 1e9 / rate : 0;
	int64_t seq = 0;
	conn **dirty = malloc(sizeof(conn *) * conns);
	int dirty_count = 0;
	struct epoll_event events[256];

	if (!open_loop) {
		for (int i = 0; i < conns; i++) {
			fill_window(&all[i], start);
			flush_out(&all[i]);
		}
	}
	int sending = 1;
	for (;;) {
		int64_t now = nanos(CLOCK_MONOTONIC);
		if (cpu_at_start < 0 && now >= measure_start) {
			cpu_at_start = nanos(CLOCK_THREAD_CPUTIME_ID);
		}
		if (sending && now >= measure_end) {
			sending = 0;
			cpu_at_end = nanos(CLOCK_THREAD_CPUTIME_ID);
		}
		if (!sending) {
			int idle = 1;
			for (int i = 0; i < conns && idle; i++) {
				idle = !(all[i].open && (all[i].in_flight > 0 || all[i].backlog > 0));
			}
			if (idle || now >= drain_end) {
				break;
			}
		}
		if (open_loop) {
			for (;;) {
				int64_t intended = start + (int64_t)(seq * nanos_per_op);
				if (intended > now || intended >= measure_end) {
					break;
				}
				int64_t lag_us = (now - intended) / 1000;
				lag_hist[lag_us < HIST_MAX_US ? lag_us : HIST_MAX_US]++;
				lag_count++;
				lag_max_us = lag_us > lag_max_us ? lag_us : lag_max_us;
				conn *c = &all[seq % conns];
				seq++;
				if (!c->open) {
					continue;
				}
				schedule(c, intended);
				if (!c->dirty) {
					c->dirty = 1;
					dirty[dirty_count++] = c;
				}
			}
			for (int i = 0; i < dirty_count; i++) {
				dirty[i]->dirty = 0;
				if (dirty[i]->open) {
					flush_out(dirty[i]);
				}
			}
			dirty_count = 0;
		}
		int n = epoll_wait(epfd, events, 256, open_loop ? 0 : 10);
		for (int i = 0; i < n; i++) {
			conn *c = events[i].data.ptr;
			if (c->open && (events[i].events & EPOLLOUT)) {
				flush_out(c);
			}
			if (c->open && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
				read_replies(c, sending);
			}
		}
	}
	if (cpu_at_end < 0) {
		cpu_at_end = nanos(CLOCK_THREAD_CPUTIME_ID);
	}
	int64_t missing = 0;
	for (int i = 0; i < conns; i++) {
		conn *c = &all[i];
		if (c->open) {
			missing += c->in_flight + c->backlog;
			close(c->fd);
		}
		else {
			missing += c->lost_on_close;
		}
	}
	if (missing > 0) {
		error_at(-1, "no reply for %lld request(s) (unanswered or never sent after drain, or lost on a closed "
				"connection)", (long long)missing);
		total_errors += missing;
		m_errors += missing;
	}
	if (slices) {
		write_timeline();
	}
	report(cpu_at_start < 0 ? -1 : 100.0 * (cpu_at_end - cpu_at_start) / (duration_sec * 1e9));
}

/* ---------------------------------------------------------------- options */
static void usage(void) {
	printf("options: --host H --port P --conns N --depth D --duration S --warmup S --keys N --value-size B "
			"--get-ratio R --drain S --seed N --mode window|batch --protocol text|meta --rate OPS_PER_SEC --preload 0|1 "
			"--key-size B --timeline FILE | --fill N --key-size B --value-size B\n");
}

static void parse_args(int argc, char **argv) {
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			exit(0);
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "missing value for %s\n", a);
			exit(1);
		}
		const char *v = argv[++i];
		if (!strcmp(a, "--host")) host = v;
		else if (!strcmp(a, "--port")) port = atoi(v);
		else if (!strcmp(a, "--conns")) conns = atoi(v);
		else if (!strcmp(a, "--depth")) depth = atoi(v);
		else if (!strcmp(a, "--duration")) duration_sec = atof(v);
		else if (!strcmp(a, "--warmup")) warmup_sec = atof(v);
		else if (!strcmp(a, "--keys")) key_count = atoi(v);
		else if (!strcmp(a, "--value-size")) value_size = atoi(v);
		else if (!strcmp(a, "--get-ratio")) get_ratio = atof(v);
		else if (!strcmp(a, "--drain")) drain_sec = atof(v);
		else if (!strcmp(a, "--seed")) seed = atoll(v);
		else if (!strcmp(a, "--rate")) rate = atof(v);
		else if (!strcmp(a, "--fill")) fill = atoi(v);
		else if (!strcmp(a, "--preload")) preload = atoi(v);
		else if (!strcmp(a, "--timeline")) timeline_file = v;
		else if (!strcmp(a, "--key-size")) {
			key_size = atoi(v);
			key_size_given = 1;
		}
		else if (!strcmp(a, "--mode") && (!strcmp(v, "window") || !strcmp(v, "batch"))) batch_mode = !strcmp(v, "batch");
		else if (!strcmp(a, "--protocol") && (!strcmp(v, "text") || !strcmp(v, "meta"))) meta = !strcmp(v, "meta");
		else {
			fprintf(stderr, "unknown option or value: %s %s\n", a, v);
			exit(1);
		}
	}
	if (conns < 1 || depth < 1 || key_count < 1 || value_size < 0 || duration_sec <= 0 || rate < 0
			|| key_size > 250 || duration_sec * 1e9 / SLICE_NS > SLICES_MAX) {
		fprintf(stderr, "bad option value\n");
		exit(1);
	}
}

int main(int argc, char **argv) {
	parse_args(argc, argv);
	if (timeline_file) {
		slices = calloc((size_t)(duration_sec * 1e9 / SLICE_NS) + 1, sizeof *slices);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fill > 0) {
		fill_only();
		return 0;
	}
	run_load();
	return total_errors > 0 ? 2 : 0;
}

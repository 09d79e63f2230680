#!/usr/bin/env python3
"""A write flood of mixed sizes against two servers at once, RSS sampled every minute.

    rss-flood.py MINUTES NAME:PORT:PID [NAME:PORT:PID ...]

Per server: four writers set values of 100 B to 500 KiB (log-uniform sizes) over 20,000 keys,
one reader gets random keys. Every value names its key, version and size, so the reader checks
each answer byte for byte (a value of another key, a torn or short value is an error). Prints a
markdown table: RSS per minute per server, then sets, gets, hit ratio and errors.
"""
import math, random, socket, sys, threading, time

KEYS = 20000
MIN_SIZE, MAX_SIZE = 100, 500 * 1024


def value_for(key, version, size):
    head = f"{key}:{version}:{size}:".encode()
    filler = bytes((ord('a') + (i % 26)) for i in range(max(0, size - len(head))))
    return (head + filler)[:size] if size >= len(head) else head[:size]


def valid(key, data):
    parts = data.split(b":", 3)
    if len(parts) < 4:
        return False
    try:
        version, size = int(parts[1]), int(parts[2])
    except ValueError:
        return False
    return parts[0] == key.encode() and size == len(data) and data == value_for(key, version, size)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise IOError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exactly(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise IOError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


class Flood:
    def __init__(self, name, port, pid, deadline):
        self.name, self.port, self.pid, self.deadline = name, port, pid, deadline
        self.sets = self.gets = self.hits = self.errors = self.refused = 0
        self.lock = threading.Lock()

    def writer(self, seed):
        rnd = random.Random(seed)
        c = Conn(self.port)
        version = 0
        while time.time() < self.deadline:
            key = f"k{rnd.randrange(KEYS)}"
            size = int(math.exp(rnd.uniform(math.log(MIN_SIZE), math.log(MAX_SIZE))))
            version += 1
            data = value_for(key, seed * 10**9 + version, size)
            c.s.sendall(f"set {key} 0 0 {size}\r\n".encode() + data + b"\r\n")
            answer = c.line()
            with self.lock:
                if answer == b"STORED":
                    self.sets += 1
                elif answer.startswith(b"SERVER_ERROR out of memory"):
                    self.refused += 1
                else:
                    self.errors += 1

    def reader(self):
        rnd = random.Random(99)
        c = Conn(self.port)
        while time.time() < self.deadline:
            key = f"k{rnd.randrange(KEYS)}"
            c.s.sendall(f"get {key}\r\n".encode())
            line = c.line()
            ok, hit = True, False
            if line.startswith(b"VALUE "):
                hit = True
                size = int(line.split()[3])
                data = c.exactly(size + 2)[:-2]
                ok = valid(key, data) and c.line() == b"END"
            elif line != b"END":
                ok = False
            with self.lock:
                self.gets += 1
                self.hits += hit
                self.errors += not ok


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    minutes = float(sys.argv[1])
    deadline = time.time() + minutes * 60
    floods = []
    for spec in sys.argv[2:]:
        name, port, pid = spec.split(":")
        floods.append(Flood(name, int(port), int(pid), deadline))
    threads = []
    for f in floods:
        for seed in range(1, 5):
            threads.append(threading.Thread(target=f.writer, args=(seed,), daemon=True))
        threads.append(threading.Thread(target=f.reader, daemon=True))
    samples = [[rss_mb(f.pid) for f in floods]]
    for t in threads:
        t.start()
    for minute in range(1, int(math.ceil(minutes)) + 1):
        time.sleep(max(0, min(deadline, time.time() + 60) - time.time()))
        samples.append([rss_mb(f.pid) for f in floods])
    for t in threads:
        t.join(timeout=30)
    print("| minute | " + " | ".join(f"{f.name} RSS MB" for f in floods) + " |")
    print("|---|" + "---|" * len(floods))
    for minute, row in enumerate(samples):
        print(f"| {minute} | " + " | ".join(f"{v:.0f}" for v in row) + " |")
    print()
    print("| server | sets | refused (out of memory) | gets | hit ratio | errors |")
    print("|---|---|---|---|---|---|")
    for f in floods:
        ratio = f.hits / f.gets if f.gets else 0
        print(f"| {f.name} | {f.sets} | {f.refused} | {f.gets} | {ratio:.2f} | {f.errors} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write flood of mixed value sizes against one server, with the server's RSS every minute.

    bench/rss-flood.py --port 31212 --pid 1234 --minutes 10 [--keys 20000] [--get-ratio 0.2]

Sizes are log-uniform from 100 B to 500 KiB. A value is a pure function of its key and its
length, so every hit is checked byte for byte whatever write produced it; a set must answer
STORED. Prints one table row per minute: RSS (MiB), the server's `bytes` and `curr_items`,
evictions, the hit ratio so far and the errors so far (any error ends the run with status 2).
"""
import argparse
import math
import random
import socket
import sys
import time

MIN_SIZE, MAX_SIZE = 100, 500 * 1024


def value(key, length):
    pattern = (key + ":").encode()
    return (pattern * (length // len(pattern) + 1))[:length]


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise IOError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exactly(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise IOError("connection closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def stats(self):
        self.sock.sendall(b"stats\r\n")
        stats = {}
        while True:
            line = self.line()
            if line == b"END":
                return stats
            _, name, val = line.decode().split(" ", 2)
            stats[name] = val


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--keys", type=int, default=20000)
    parser.add_argument("--get-ratio", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    conn, admin = Conn(args.port), Conn(args.port)
    sets = gets = hits = errors = 0
    written = 0
    start = time.time()
    print(f"baseline RSS {rss_mib(args.pid):.0f} MiB")
    print("| minute | RSS MiB | stats bytes MiB | curr_items | evictions | sets | MiB written | hit ratio | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    next_report = start + 60
    minute = 0
    while True:
        now = time.time()
        if now >= next_report:
            minute += 1
            st = admin.stats()
            ratio = hits / gets if gets else 0
            print(f"| {minute} | {rss_mib(args.pid):.0f} | {int(st['bytes']) / 2**20:.1f} | {st['curr_items']} | "
                  f"{st['evictions']} | {sets} | {written / 2**20:.0f} | {ratio:.3f} | {errors} |", flush=True)
            next_report += 60
            if minute >= args.minutes:
                break
        key = f"flood:{rng.randrange(args.keys)}"
        if rng.random() < args.get_ratio:
            gets += 1
            conn.sock.sendall(f"get {key}\r\n".encode())
            line = conn.line()
            if line != b"END":
                parts = line.split()
                length = int(parts[3])
                data = conn.exactly(length + 2)
                if parts[:2] != [b"VALUE", key.encode()] or data[:-2] != value(key, length) or conn.line() != b"END":
                    errors += 1
                else:
                    hits += 1
        else:
            length = int(math.exp(rng.uniform(math.log(MIN_SIZE), math.log(MAX_SIZE))))
            conn.sock.sendall(f"set {key} 0 0 {length}\r\n".encode() + value(key, length) + b"\r\n")
            sets += 1
            written += length
            if conn.line() != b"STORED":
                errors += 1
    sys.exit(2 if errors else 0)


if __name__ == "__main__":
    main()

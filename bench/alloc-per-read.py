"""The client and the report of bench/alloc-per-read.sh.

  alloc-per-read.py load PORT MODE READS   reads one 100 KiB value READS times, 16 in flight
  alloc-per-read.py report FILE READS      heap bytes allocated per read in a JFR recording
"""
import collections
import json
import socket
import struct
import subprocess
import sys

SIZE = 100 * 1024
DEPTH = 16


def load(port, mode, reads):
    value = bytes((i * 7) & 0xff for i in range(SIZE))
    with socket.create_connection(("127.0.0.1", port)) as text:
        text.sendall(b"set k 0 0 %d\r\n" % SIZE + value + b"\r\n")
        assert text.recv(100) == b"STORED\r\n"
    value_line = len(b"VALUE k 0 %d\r\n" % SIZE)
    request, answer = {
        "mg": (b"mg k v\r\n", len(b"VA %d\r\n" % SIZE) + SIZE + 2),
        "get": (b"get k\r\n", value_line + SIZE + 7),
        "gat": (b"gat 0 k\r\n", value_line + SIZE + 7),
        "binget": (struct.pack(">BBHBBHIIQ", 0x80, 0x00, 1, 0, 0, 0, 1, 0, 0) + b"k", 24 + 4 + SIZE),
        "bingat": (struct.pack(">BBHBBHIIQ", 0x80, 0x1d, 1, 4, 0, 0, 5, 0, 0) + bytes(4) + b"k", 24 + 4 + SIZE),
    }[mode]
    # a connection speaks the protocol of its first byte: a new one for the reads
    with socket.create_connection(("127.0.0.1", port)) as s:
        answers = memoryview(bytearray(answer * DEPTH))
        for _ in range(reads // DEPTH):
            s.sendall(request * DEPTH)
            got = 0
            while got < len(answers):
                n = s.recv_into(answers[got:])
                assert n > 0, "connection closed"
                got += n
        last = answers[-answer:].tobytes()
        assert value in last, "the last answer carries the value"


def events(path, kind):
    out = subprocess.run(["jfr", "print", "--json", "--events", kind, path], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)["recording"]["events"]


def report(path, reads):
    per_thread = collections.defaultdict(list)
    for event in events(path, "jdk.ThreadAllocationStatistics"):
        values = event["values"]
        per_thread[values["thread"]["javaName"] if values["thread"] else "?"].append(values["allocated"])
    allocated = sum(max(a) - min(a) for a in per_thread.values())
    by_type = collections.Counter()
    for event in events(path, "jdk.ObjectAllocationSample"):
        by_type[event["values"]["objectClass"]["name"]] += event["values"]["weight"]
    sampled = sum(by_type.values()) or 1
    top = ", ".join(f"{name} {100 * weight / sampled:.0f}%" for name, weight in by_type.most_common(3))
    print(f"{path}: {allocated / reads:,.0f} B allocated per read (all threads); by type: {top}")


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    else:
        report(sys.argv[2], int(sys.argv[3]))

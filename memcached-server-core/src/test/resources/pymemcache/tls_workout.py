"""pymemcache over TLS, logging in with memcached's -Y text login, then a short workout.

usage: tls_workout.py PORT CA_FILE USER PASSWORD
Prints OK when every check passed; exits non-zero with the failed check otherwise.
"""
import ssl
import sys

from pymemcache.client.base import Client
from pymemcache.exceptions import MemcacheClientError

port, ca_file, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
context = ssl.create_default_context(cafile=ca_file)
client = Client(("127.0.0.1", port), tls_context=context, connect_timeout=5, timeout=5)

try:
    client.get("k")
    raise SystemExit("a command before the login was served")
except MemcacheClientError as refused:
    assert "unauthenticated" in str(refused), refused

assert client.set("login", f"{user} {password}".encode(), noreply=False) is True
assert client.get("login") is None, "the login stored an item"
assert client.set("k", b"value", expire=60, noreply=False) is True
assert client.get("k") == b"value"
assert client.add("k", b"other", noreply=False) is False
assert client.append("k", b"+", noreply=False) is True
value, cas = client.gets("k")
assert value == b"value+", value
assert client.cas("k", b"swapped", cas, noreply=False) is True
assert client.get_many(["k", "missing"]) == {"k": b"swapped"}
assert client.set("n", b"10", noreply=False) is True
assert client.incr("n", 5) == 15
assert client.decr("n", 20) == 0
assert client.touch("k", 100, noreply=False) is True
assert client.delete("k", noreply=False) is True
assert client.get("k") is None
assert client.version().startswith(b"1.6")
client.close()
print("OK")

#!/usr/bin/env python3
"""Readiness probe for the local Kafka broker (stdlib only; used by kafka.sh).

Usage: kafka_probe.py HOST PORT [TIMEOUT_SECONDS]

Exit 0 when the broker at HOST:PORT answers an ApiVersions request and a Metadata
request that lists at least one live broker (in KRaft the broker only starts serving
requests once it has caught up with the metadata log and been unfenced). Exit 1 otherwise,
with the reason on stderr.
"""

import socket
import struct
import sys

API_METADATA = 3
API_VERSIONS = 18
METADATA_VERSION = 4  # oldest Metadata version Kafka 4.x still serves (KIP-896 removed v0-v3)


def _request(sock, api_key, api_version, correlation_id, body=b""):
    client_id = b"qsfund-probe"
    header = struct.pack(">hhih", api_key, api_version, correlation_id, len(client_id)) + client_id
    payload = header + body
    sock.sendall(struct.pack(">i", len(payload)) + payload)
    size = struct.unpack(">i", _read(sock, 4))[0]
    data = _read(sock, size)
    (cid,) = struct.unpack_from(">i", data, 0)
    if cid != correlation_id:
        raise RuntimeError(f"correlation id mismatch: {cid} != {correlation_id}")
    return data[4:]  # response header v0 is just the correlation id


def _read(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by broker")
        buf += chunk
    return buf


def probe(host, port, timeout):
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        # ApiVersions v0: empty body. Response: error_code, [api_key, min, max].
        body = _request(sock, API_VERSIONS, 0, 1)
        error_code, count = struct.unpack_from(">hi", body, 0)
        if error_code not in (0, 35):  # 35 = UNSUPPORTED_VERSION still carries the list
            raise RuntimeError(f"ApiVersions error_code={error_code}")
        versions = {}
        for i in range(count):
            key, lo, hi = struct.unpack_from(">hhh", body, 6 + 6 * i)
            versions[key] = (lo, hi)
        lo, hi = versions.get(API_METADATA, (0, -1))
        if not lo <= METADATA_VERSION <= hi:
            return (
                f"ApiVersions ok ({len(versions)} APIs; Metadata v{METADATA_VERSION} not offered)"
            )
        # Metadata v4: topics=null (int32 -1), allow_auto_topic_creation=false.
        body = _request(sock, API_METADATA, METADATA_VERSION, 2, struct.pack(">ib", -1, 0))
        off = 4  # throttle_time_ms
        (n_brokers,) = struct.unpack_from(">i", body, off)
        if n_brokers < 1:
            raise RuntimeError("Metadata lists no live broker yet")
        return f"ApiVersions ok ({len(versions)} APIs), Metadata lists {n_brokers} broker(s)"


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    host, port = argv[1], int(argv[2])
    timeout = float(argv[3]) if len(argv) > 3 else 3.0
    try:
        print(probe(host, port, timeout))
        return 0
    except Exception as exc:
        print(f"not ready: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

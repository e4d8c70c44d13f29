#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A sequence-numbered UDP stream, to count what a tunnel loses or repeats.

  seqstream.py send ADDR PORT COUNT RATE   COUNT datagrams, RATE per second
  seqstream.py recv ADDR PORT COUNT IDLE   until COUNT arrived, or IDLE
                                           seconds without one after the first

recv prints one line "received R of COUNT, lost L, duplicated D, out of
order O" and exits 0 when nothing was lost or duplicated.  It prints
"ready" once bound, so a test can start the sender after it.
"""
import socket
import struct
import sys
import time

PAYLOAD = 200


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def send(addr, port, count, rate):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    pad = b"\0" * (PAYLOAD - 8)
    start = time.monotonic()
    for seq in range(count):
        due = start + seq / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        try:
            s.sendto(struct.pack("!Q", seq) + pad, (addr, port))
        except OSError as e:
            # counted as lost by the receiver; keep the pace
            print(f"send {seq}: {e}", file=sys.stderr)
    return 0


def recv(addr, port, count, idle):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    # beyond rmem_max when root (SO_RCVBUFFORCE): a receiver starved of
    # CPU on a loaded host must not drop datagrams at its own socket
    try:
        s.setsockopt(socket.SOL_SOCKET,
                     getattr(socket, "SO_RCVBUFFORCE", 33), 1 << 24)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((addr, port))
    print("ready", flush=True)
    seen = bytearray(count)
    received = dup = reorder = 0
    top = -1
    s.settimeout(120)
    while received < count:
        try:
            data = s.recv(2048)
        except socket.timeout:
            break
        s.settimeout(idle)
        if len(data) < 8:
            continue
        seq = struct.unpack("!Q", data[:8])[0]
        if seq >= count:
            continue
        if seen[seq]:
            dup += 1
            continue
        seen[seq] = 1
        received += 1
        if seq < top:
            reorder += 1
        top = max(top, seq)
    lost = count - received
    print(f"received {received} of {count}, lost {lost}, duplicated {dup}, "
          f"out of order {reorder}", flush=True)
    if lost:
        missing = [i for i in range(count) if not seen[i]]
        print("missing: " + " ".join(map(str, missing[:50])), flush=True)
    return 0 if not lost and not dup else 1


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in ("send", "recv"):
        print(__doc__, file=sys.stderr)
        return 2
    addr, port, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if sys.argv[1] == "send":
        return send(addr, port, count, float(sys.argv[5]))
    return recv(addr, port, count, float(sys.argv[5]))


if __name__ == "__main__":
    sys.exit(main())

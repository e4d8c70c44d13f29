#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""espfuzz - hostile ESP input that knows the SA's key.

Sends ESP packets over IPv4 (raw socket, outer header built here) for one
rfc4106(gcm(aes)) SA whose key it is given, encrypted with the kernel's
AF_ALG AEAD interface, so that they authenticate and are malformed inside
(padding, pad length, next header, inner IPv4/IPv6 headers, empty
payloads), plus packets that do not authenticate (bit flips, random
lengths), random SPIs, outer fragments and outer header changes outside
authentication (ECN CE on a not-ECT inner packet, TTL, DSCP).

usage: espfuzz.py SRC DST SPI KEYHEX ICVBYTES LANSRC LANDST [-s SEQ]
                  [-n ROUNDS] [-r SEED]
  SRC, DST        outer IPv4 addresses (SRC must be local)
  SPI             the receiver's inbound SA (0x hex or decimal)
  KEYHEX          its key: AES key || 4-byte salt, hex, "0x" allowed
  ICVBYTES        ICV length (8, 12 or 16)
  LANSRC, LANDST  inner IPv4 addresses (the inner IPv6 ones are
                  fd00:1::1 and fd00:2::1, as selftests/esp_lib.sh)
  -s SEQ          first sequence number (default 1); each authenticated
                  packet takes the next one
  -n ROUNDS       how often the randomised part runs (default 20)
  -r SEED         random seed (default 1)

Prints one JSON object: "sent" (ESP packets that reach the SA, by case),
"expect" (the tunnel counter each should move: rx_packets or a drop
reason, with counts), "other_spi" (packets with an SPI that is not the
SA's, left to xfrm), "lost_fragments" (first fragments never completed)
and "next_seq".
"""

import json
import random
import socket
import struct
import sys

ESP_HLEN = 8
IV_LEN = 8
SOL_ALG = 279
ALG_SET_KEY = 1
ALG_SET_AEAD_AUTHSIZE = 5
ALG_OP_ENCRYPT = 1
LAN6_SRC = "fd00:1::1"
LAN6_DST = "fd00:2::1"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(src, dst, payload, proto=17, ihl=5, tot=None, options=b"", tos=0,
        bad_csum=False, ttl=64, frag=0):
    """An IPv4 header (with OPTIONS, IHL and TOT overridable) + payload."""
    if tot is None:
        tot = 4 * ihl + len(payload) if ihl >= 5 else 20 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | (ihl & 0xf), tos, tot & 0xffff,
                      0x1234, frag, ttl, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst)) + options
    c = csum(hdr)
    if bad_csum:
        c ^= 0x5555
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ip6(payload, nexthdr=17, plen=None):
    if plen is None:
        plen = len(payload)
    return struct.pack("!IHBB16s16s", 6 << 28, plen & 0xffff, nexthdr, 64,
                       socket.inet_pton(socket.AF_INET6, LAN6_SRC),
                       socket.inet_pton(socket.AF_INET6, LAN6_DST)) + payload


def udp(n=32):
    """A UDP header and N bytes to the discard port (checksum 0: IPv4)."""
    return struct.pack("!HHHH", 40000, 9, 8 + n, 0) + b"\xab" * n


class Esp:
    def __init__(self, spi, key, icv, seq):
        self.spi, self.icv, self.seq = spi, icv, seq
        self.alg = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0)
        self.alg.bind(("aead", "rfc4106(gcm(aes))"))
        self.alg.setsockopt(SOL_ALG, ALG_SET_KEY, key)
        self.alg.setsockopt(SOL_ALG, ALG_SET_AEAD_AUTHSIZE, None, icv)
        self.op, _ = self.alg.accept()

    def seal(self, payload, nexthdr, padlen=None, pad=None, spi=None):
        """An authenticated ESP packet: PAYLOAD, padding 1, 2, ... to a
        4-byte boundary (or PADLEN given, or the PAD bytes given), the pad
        length byte and NEXTHDR.  Takes the next sequence number."""
        if pad is None:
            n = (-(len(payload) + 2)) % 4
            pad = bytes(range(1, n + 1))
        trailer = bytes([len(pad) if padlen is None else padlen, nexthdr])
        plain = payload + pad + trailer
        hdr = struct.pack("!II", self.spi if spi is None else spi, self.seq)
        self.seq += 1
        iv = random.randbytes(IV_LEN)
        data = hdr + iv + plain
        self.op.sendmsg_afalg([data], op=ALG_OP_ENCRYPT, iv=iv,
                              assoclen=ESP_HLEN + IV_LEN)
        out = self.op.recv(len(data) + self.icv)
        if len(out) != len(data) + self.icv:
            raise RuntimeError("AF_ALG returned %d bytes" % len(out))
        return out

    def junk(self, n, spi=None):
        """SPI, the next sequence number and N random bytes."""
        hdr = struct.pack("!II", self.spi if spi is None else spi, self.seq)
        self.seq += 1
        return hdr + random.randbytes(n)


class Sender:
    def __init__(self, src, dst):
        self.src, self.dst = src, dst
        self.s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                               socket.IPPROTO_RAW)
        self.ident = random.randrange(1, 0xffff)

    def send(self, esp, tos=0, ttl=64):
        self.s.sendto(ip4(self.src, self.dst, esp, proto=50, tos=tos, ttl=ttl),
                      (self.dst, 0))

    def send_frags(self, esp, first_only=False):
        """ESP in two outer fragments (the first 8-byte aligned)."""
        self.ident = (self.ident + 1) & 0xffff or 1
        cut = max(8, (len(esp) // 2) & ~7)
        for off, part, more in ((0, esp[:cut], 1), (cut, esp[cut:], 0)):
            hdr = bytearray(ip4(self.src, self.dst, part, proto=50))
            struct.pack_into("!HH", hdr, 4, self.ident,
                             (more << 13) | (off // 8))
            hdr[10:12] = b"\0\0"
            hdr[10:12] = struct.pack("!H", csum(bytes(hdr[:20])))
            self.s.sendto(bytes(hdr), (self.dst, 0))
            if first_only:
                break


def main():
    args = sys.argv[1:]
    opts = {"-s": "1", "-n": "20", "-r": "1"}
    pos = []
    while args:
        a = args.pop(0)
        if a in opts and args:
            opts[a] = args.pop(0)
        else:
            pos.append(a)
    if len(pos) != 7:
        sys.exit(__doc__)
    src, dst, spi, key, icv, lsrc, ldst = pos
    spi = int(spi, 0)
    key = bytes.fromhex(key[2:] if key.startswith("0x") else key)
    random.seed(int(opts["-r"]))
    esp = Esp(spi, key, int(icv), int(opts["-s"]))
    tx = Sender(src, dst)
    sent, expect = {}, {}
    other_spi = lost = 0

    def count(case, reason, n=1):
        sent[case] = sent.get(case, 0) + n
        expect[reason] = expect.get(reason, 0) + n

    def good4(n=32, **kw):
        return ip4(lsrc, ldst, udp(n), **kw)

    # authenticated, well formed: the controls, delivered
    cases = [
        ("inner IPv4", esp.seal(good4(), 4), "rx_packets"),
        ("inner IPv6", esp.seal(ip6(udp(32)), 41), "rx_packets"),
        ("inner IPv4 with options (NOP, router alert)",
         esp.seal(ip4(lsrc, ldst, udp(), ihl=7,
                      options=b"\x01\x01\x01\x00\x94\x04\x00\x00"), 4),
         "rx_packets"),
        # malformed options are the IP layer's (ip_options_compile)
        ("inner IPv4 with a zero-length option",
         esp.seal(ip4(lsrc, ldst, udp(), ihl=6, options=b"\x07\x00\x00\x00"),
                  4), "rx_packets"),
        ("inner IPv4 and 16 bytes of TFC padding",
         esp.seal(good4() + b"\0" * 16, 4), "rx_packets"),
        ("inner IPv4 fragment",
         esp.seal(good4(frag=0x2000), 4), "rx_packets"),
        # trailer
        ("padding bytes not 1, 2, 3, ...",
         esp.seal(good4(31), 4, pad=b"\x01\x07\x03"), "bad_trailer"),
        ("pad length beyond the payload",
         esp.seal(good4(), 4, padlen=255), "bad_trailer"),
        ("pad length one beyond the payload",
         esp.seal(b"", 4, pad=b"\x01\x02", padlen=3), "bad_trailer"),
        ("next header UDP", esp.seal(udp(), 17), "bad_trailer"),
        ("next header 0", esp.seal(good4(), 0), "bad_trailer"),
        ("next header 255", esp.seal(good4(), 255), "bad_trailer"),
        ("next header IPv4 on an IPv6 packet",
         esp.seal(ip6(udp()), 4), "bad_trailer"),
        ("next header IPv6 on an IPv4 packet", esp.seal(good4(), 41),
         "bad_trailer"),
        ("next header 59 (dummy)", esp.seal(b"\0" * 20, 59), "dummy"),
        ("empty dummy", esp.seal(b"", 59), "dummy"),
        # inner headers
        ("zero-length payload, next header IPv4", esp.seal(b"", 4),
         "bad_inner"),
        ("zero-length payload, next header IPv6", esp.seal(b"", 41),
         "bad_inner"),
        ("IPv4 header truncated to 10 bytes", esp.seal(good4()[:10], 4),
         "bad_inner"),
        ("IPv4 header truncated to 19 bytes", esp.seal(good4()[:19], 4),
         "bad_inner"),
        ("IPv4 ihl 0", esp.seal(good4(ihl=0), 4), "bad_inner"),
        ("IPv4 ihl 4", esp.seal(good4(ihl=4), 4), "bad_inner"),
        ("IPv4 ihl 15 beyond the packet", esp.seal(good4(8, ihl=15), 4),
         "bad_inner"),
        ("IPv4 options cut by the packet's end",
         esp.seal(ip4(lsrc, ldst, b"", proto=17, ihl=8,
                      options=b"\x01" * 8, tot=32), 4), "bad_inner"),
        ("IPv4 total length beyond the packet",
         esp.seal(good4(tot=1400), 4), "bad_inner"),
        ("IPv4 total length 10", esp.seal(good4(tot=10), 4), "bad_inner"),
        ("IPv4 total length 0", esp.seal(good4(tot=0), 4), "bad_inner"),
        ("IPv4 header checksum wrong", esp.seal(good4(bad_csum=True), 4),
         "bad_inner"),
        ("IPv6 header truncated to 30 bytes", esp.seal(ip6(udp())[:30], 41),
         "bad_inner"),
        ("IPv6 payload length beyond the packet",
         esp.seal(ip6(udp(), plen=1000), 41), "bad_inner"),
    ]
    for case, pkt, reason in cases:
        tx.send(pkt)
        count(case, reason)

    # outside authentication: the outer header
    tx.send(esp.seal(good4(), 4), tos=3)
    count("outer CE on a not-ECT inner packet", "ecn")
    tx.send(esp.seal(good4(), 4), tos=0xb8, ttl=1)
    count("outer DSCP EF, TTL 1", "rx_packets")

    for _ in range(int(opts["-n"])):
        # one bit flipped after the sequence number: IV, payload or ICV
        pkt = bytearray(esp.seal(good4(random.randrange(0, 200)), 4))
        bit = random.randrange((ESP_HLEN) * 8, len(pkt) * 8)
        pkt[bit // 8] ^= 1 << (bit % 8)
        tx.send(bytes(pkt))
        count("one bit flipped", "auth")
        # random length and content after a valid SPI and sequence number
        n = random.choice([0, 1, 7, 15, 16, 17, 18, 24, 25, 26, 27, 28,
                           random.randrange(0, 1400)])
        tx.send(esp.junk(n))
        elen = n - IV_LEN - int(icv)
        if n < IV_LEN + int(icv) + 2 or elen % 4:
            count("random bytes, random length", "malformed")
        else:
            count("random bytes, random length", "auth")
        # a random SPI: not this SA's, left to xfrm
        other = spi
        while other == spi or other in (0x1000, 0x2000):
            other = random.randrange(0x100, 1 << 32)
        tx.send(esp.junk(random.randrange(0, 200), spi=other))
        other_spi += 1
        # outer fragments: a whole pair is reassembled and delivered
        tx.send_frags(esp.seal(good4(random.randrange(16, 600)), 4))
        count("in two outer fragments", "rx_packets")
        # a first fragment alone never reaches the SA
        tx.send_frags(esp.seal(good4(100), 4), first_only=True)
        lost += 1
        # a random malformed inner IPv4 header
        bad = bytearray(good4(random.randrange(0, 64)))
        bad[0] = 0x40 | random.randrange(0, 5)
        tx.send(esp.seal(bytes(bad), 4))
        count("random ihl below 5", "bad_inner")

    print(json.dumps({"sent": sent, "expect": expect, "other_spi": other_spi,
                      "lost_fragments": lost, "next_seq": esp.seq}))


if __name__ == "__main__":
    main()

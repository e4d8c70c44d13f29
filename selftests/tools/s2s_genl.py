#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Sends the s2svpn family requests that s2sctl would never build.

The selftests use it to see what the kernel itself accepts and refuses:
a bad reserved header field, flags a command does not take, attributes a
command does not take, and values that s2sctl refuses before asking.
Enum values come from uapi/linux/s2svpn.h.

usage: s2s_genl.py REQUEST [ARGS]
  version                      version-get, a well-formed request
  reserved                     version-get with genlmsghdr.reserved = 1
  flags                        version-get with NLM_F_CREATE
  extra-attr                   version-get carrying an ifindex
  read-only IFNAME             tunnel-set of the read-only oper-state
  mtu IFNAME N                 tunnel-set mtu N
  encap IFNAME KEY=VALUE...    tunnel-set with exactly these attributes
                               (encap, sport, dport, keepalive; numbers)
  trunc IFNAME ALG BITS        sa-new, cbc(aes) with ALG truncated to BITS
  icv IFNAME BITS              sa-new, rfc4106(gcm(aes)) with a BITS ICV
  segment NAME                 segment-new NAME mark 1
  get-ifindex N                tunnel-get of the tunnel with ifindex N
  del-ifindex N                tunnel-del of the tunnel with ifindex N
  selector IFNAME KEY=VALUE... selector-new with exactly these selector
                               attributes (dir, src, src-plen, dst, dst-plen,
                               proto, sport-min, sport-max, dport-min,
                               dport-max, segment, action, priority, id);
                               dir and action take names (in, out, protect,
                               bypass, discard), src and dst addresses

Prints "ok" or "error ERRNO: MESSAGE" (the extended ack); exits 0 when the
kernel accepted, 1 when it refused, 2 on bad usage.
"""
import os
import re
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_CREATE = 0x400
NLMSG_ERROR = 2
NLA_F_NESTED = 0x8000
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      '../../uapi/linux/s2svpn.h')


def uapi_enums():
    code = re.sub(r'/\*.*?\*/', '', open(HEADER).read(), flags=re.S)
    values = {}
    for body in re.findall(r'enum\s+\w*\s*\{(.*?)\}', code, re.S):
        value = 0
        for item in (i.strip() for i in body.split(',')):
            if not item:
                continue
            if '=' in item:
                item, expr = (s.strip() for s in item.split('='))
                value = int(expr, 0)
            values[item] = value
            value += 1
    return values


E = uapi_enums()


def attr(atype, payload):
    hdr = struct.pack('=HH', 4 + len(payload), atype)
    return hdr + payload + b'\0' * ((4 - len(payload) % 4) % 4)


def nest(atype, *attrs):
    return attr(atype | NLA_F_NESTED, b''.join(attrs))


def u8(atype, v):
    return attr(atype, struct.pack('=B', v))


def u32(atype, v):
    return attr(atype, struct.pack('=I', v))


def u16(atype, v):
    return attr(atype, struct.pack('=H', v))


def string(atype, s):
    return attr(atype, s.encode() + b'\0')


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 1
        err, msg, reply = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                       string(CTRL_ATTR_FAMILY_NAME, 's2svpn'),
                                       version=2)
        if err:
            raise SystemExit(f's2s_genl: family s2svpn: {msg or os.strerror(err)}')
        self.family = None
        off = 4
        while off < len(reply):
            alen, atype = struct.unpack_from('=HH', reply, off)
            if atype == CTRL_ATTR_FAMILY_ID:
                self.family = struct.unpack_from('=H', reply, off + 4)[0]
            off += (alen + 3) & ~3

    def request(self, family, cmd, payload=b'', flags=NLM_F_REQUEST | NLM_F_ACK,
                reserved=0, version=1):
        """Returns (errno, extack message, the reply's genetlink payload)."""
        self.seq += 1
        body = struct.pack('=BBH', cmd, version, reserved) + payload
        self.sock.send(struct.pack('=IHHII', 16 + len(body), family, flags,
                                   self.seq, 0) + body)
        reply = b''
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off < len(data):
                length, mtype, mflags = struct.unpack_from('=IHH', data, off)
                msg = data[off:off + length]
                off += (length + 3) & ~3
                if mtype != NLMSG_ERROR:
                    reply = msg[16:]
                    continue
                err = -struct.unpack_from('=i', msg, 16)[0]
                return err, self.extack(msg, mflags), reply

    @staticmethod
    def extack(msg, mflags):
        # the request is echoed unless the kernel capped it (NLM_F_CAPPED)
        off = 20 + (16 if mflags & 0x100 else struct.unpack_from('=I', msg, 20)[0])
        while off + 4 <= len(msg):
            alen, atype = struct.unpack_from('=HH', msg, off)
            if atype == NLMSGERR_ATTR_MSG:
                return msg[off + 4:off + alen].rstrip(b'\0').decode()
            off += (alen + 3) & ~3
        return ''


def build(args):
    req, rest = args[0], args[1:]
    kw = {}
    if req in ('version', 'reserved', 'flags', 'extra-attr'):
        cmd, payload = E['S2S_CMD_VERSION_GET'], b''
        if req == 'reserved':
            kw['reserved'] = 1
        elif req == 'flags':
            kw['flags'] = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE
        elif req == 'extra-attr':
            payload = u32(E['S2S_A_IFINDEX'], 1)
        return cmd, payload, kw
    if req == 'read-only':
        return E['S2S_CMD_TUNNEL_SET'], string(E['S2S_A_IFNAME'], rest[0]) + \
            nest(E['S2S_A_TUNNEL'], u8(E['S2S_TUNNEL_A_OPER_STATE'], 1)), kw
    if req == 'mtu':
        return E['S2S_CMD_TUNNEL_SET'], string(E['S2S_A_IFNAME'], rest[0]) + \
            nest(E['S2S_A_TUNNEL'], u32(E['S2S_TUNNEL_A_MTU'], int(rest[1]))), kw
    if req == 'encap':
        return E['S2S_CMD_TUNNEL_SET'], string(E['S2S_A_IFNAME'], rest[0]) + \
            nest(E['S2S_A_TUNNEL'], *(encap_attr(a) for a in rest[1:])), kw
    sa_id = (u8(E['S2S_SA_A_DIR'], E['S2S_DIR_OUT']),
             u32(E['S2S_SA_A_SPI'], 0x2000))
    if req == 'trunc':
        return E['S2S_CMD_SA_NEW'], string(E['S2S_A_IFNAME'], rest[0]) + \
            nest(E['S2S_A_SA'], *sa_id,
                 string(E['S2S_SA_A_ENC_ALG'], 'cbc(aes)'),
                 attr(E['S2S_SA_A_ENC_KEY'], b'\x11' * 16),
                 string(E['S2S_SA_A_AUTH_ALG'], rest[1]),
                 attr(E['S2S_SA_A_AUTH_KEY'], b'\x22' * 32),
                 u32(E['S2S_SA_A_AUTH_TRUNC_BITS'], int(rest[2]))), kw
    if req == 'icv':
        return E['S2S_CMD_SA_NEW'], string(E['S2S_A_IFNAME'], rest[0]) + \
            nest(E['S2S_A_SA'], *sa_id,
                 string(E['S2S_SA_A_AEAD_ALG'], 'rfc4106(gcm(aes))'),
                 attr(E['S2S_SA_A_AEAD_KEY'], b'\x33' * 20),
                 u32(E['S2S_SA_A_ICV_BITS'], int(rest[1]))), kw
    if req in ('get-ifindex', 'del-ifindex'):
        cmd = 'S2S_CMD_TUNNEL_GET' if req == 'get-ifindex' else 'S2S_CMD_TUNNEL_DEL'
        return E[cmd], u32(E['S2S_A_IFINDEX'], int(rest[0], 0)), kw
    if req == 'segment':
        return E['S2S_CMD_SEGMENT_NEW'], \
            nest(E['S2S_A_SEGMENT'], string(E['S2S_SEGMENT_A_NAME'], rest[0]),
                 u32(E['S2S_SEGMENT_A_MARK'], 1)), kw
    if req == 'selector':
        return E['S2S_CMD_SELECTOR_NEW'], string(E['S2S_A_IFNAME'], rest[0]) + \
            nest(E['S2S_A_SELECTOR'], *(selector_attr(a) for a in rest[1:])), kw
    raise IndexError(req)


SEL_NAMES = {'in': 'S2S_DIR_IN', 'out': 'S2S_DIR_OUT',
             'protect': 'S2S_SEL_PROTECT', 'bypass': 'S2S_SEL_BYPASS',
             'discard': 'S2S_SEL_DISCARD'}
SEL_TYPES = {'dir': u8, 'src-plen': u8, 'dst-plen': u8, 'proto': u8,
             'action': u8, 'sport-min': u16, 'sport-max': u16,
             'dport-min': u16, 'dport-max': u16, 'priority': u32, 'id': u32}


ENCAP_ATTRS = {'encap': ('S2S_TUNNEL_A_ENCAP', u8),
               'sport': ('S2S_TUNNEL_A_ENCAP_SPORT', u16),
               'dport': ('S2S_TUNNEL_A_ENCAP_DPORT', u16),
               'keepalive': ('S2S_TUNNEL_A_ENCAP_KEEPALIVE', u16)}


def encap_attr(arg):
    key, value = arg.split('=', 1)
    name, put = ENCAP_ATTRS[key]
    return put(E[name], int(value, 0))


def selector_attr(arg):
    key, value = arg.split('=', 1)
    atype = E['S2S_SEL_A_' + key.upper().replace('-', '_')]
    if key in ('src', 'dst'):
        family = socket.AF_INET6 if ':' in value else socket.AF_INET
        return attr(atype, socket.inet_pton(family, value))
    if key == 'segment':
        return string(atype, value)
    if value in SEL_NAMES:
        value = str(E[SEL_NAMES[value]])
    return SEL_TYPES[key](atype, int(value, 0))


def main(argv):
    try:
        cmd, payload, kw = build(argv[1:])
    except (IndexError, KeyError, ValueError):
        print(__doc__.split('\n\n')[2], file=sys.stderr)
        return 2
    nl = Genl()
    err, msg, _ = nl.request(nl.family, cmd, payload, **kw)
    if not err:
        print('ok')
        return 0
    print(f'error {err}: {msg or os.strerror(err)}')
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))

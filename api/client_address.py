"""The caller's address (địa chỉ máy khách): the direct peer, or — only when that peer is a trusted reverse proxy — the
address it forwarded in ``X-Forwarded-For``.

The header is read from the right: each trusted proxy appends the address it received from, so the first address
that is not itself a trusted proxy is the client. A header from an untrusted peer is ignored (anyone can send one).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


def parse_networks(entries: Iterable[str]) -> list[Network]:
    """``["10.0.0.5", "172.16.0.0/12"]`` → networks; a bad entry raises ``ValueError`` naming it."""
    out = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network (e.g. 10.0.0.5 or 172.16.0.0/12)") from None
    return out


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def _forwarded(headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
    """Every address of every ``X-Forwarded-For`` header, in order."""
    out = []
    for name, value in headers:
        if name.lower() == b"x-forwarded-for":
            out += [a.strip() for a in value.decode("latin-1").split(",") if a.strip()]
    return out


def client_address(peer: str | None, headers: Iterable[tuple[bytes, bytes]], proxies: Sequence[Network]) -> str:
    """The client's address for limits and the audit log (at most 64 characters)."""
    if not peer:
        return UNKNOWN
    if not proxies or not _trusted(peer, proxies):
        return peer[:64]
    address = peer
    for hop in reversed(_forwarded(headers)):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            break  # garbage in the header: keep the last address known to be real
        if not _trusted(address, proxies):
            break
    return address[:64]

"""The client's address: from a trusted proxy's X-Forwarded-For only, otherwise REMOTE_ADDR.

Behind the TLS proxy every request's REMOTE_ADDR is the proxy's, so a lockout by address
would lock everyone out at once; but X-Forwarded-For is whatever the client sent unless a
proxy we trust wrote it. So the header is read only when REMOTE_ADDR is in
settings.TRUSTED_PROXIES, and then from the right: each trusted proxy appends the address it
saw, so the right-most address that is not itself a trusted proxy is the first one nobody
we trust could have been lied to about. Everything left of it is the client's own claim.

One function, used by axes (AXES_CLIENT_IP_CALLABLE), the access log and the sessions list.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not value:
        return None
    value = value.strip()
    # "[2001:db8::1]:443" or "192.0.2.1:443" from proxies that add the port.
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_trusted_proxy(address) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as far as a trusted proxy vouches for it."""
    remote = _parse(request.META.get("REMOTE_ADDR"))
    if remote is None or not is_trusted_proxy(remote):
        return str(remote) if remote is not None else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A malformed entry was written by someone we do not trust: stop believing here.
            break
        if not is_trusted_proxy(address):
            return str(address)
    # Only trusted proxies (or nothing usable) in the chain: the nearest one is all we know.
    return str(remote)

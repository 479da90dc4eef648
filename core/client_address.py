"""The client's address, worked out once for everything that counts by client: the sign-in lockout
(django-axes, AXES_CLIENT_IP_CALLABLE) and the password-reset limits (django-ratelimit,
RATELIMIT_IP_META_KEY and the reset view's key).

settings.CLIENT_ADDRESS_PROXY_COUNT (env AXES_PROXY_COUNT) is how many reverse proxies stand in front
of the app, each appending the address it was connected from to X-Forwarded-For (nginx's
$proxy_add_x_forwarded_for, HAProxy's `option forwardfor`, cloud load balancers). So with N proxies
the client is the N-th entry from the right: every entry left of it was written by the client and
proves nothing, and a client that rotates them still lands on its own address.

- 0 proxies: REMOTE_ADDR; the header is ignored (anyone can send one).
- N proxies, the header has N entries or more: the N-th from the right.
- Fewer entries (the request came round a proxy, e.g. a health check, or no header at all): the
  left-most entry there is, else REMOTE_ADDR. Never an error: a missing or odd header is the
  client's doing, and must not turn the reset page into a 500.
- An entry that is not an IP address (garbage, "unknown", an obfuscated nginx id) is treated like a
  missing one, so it cannot give each request a fresh count.

Not django-ipware: its proxy_count counts the proxies *listed* in the header (one fewer than stand in
front of the app when each appends its peer, as above), it answers None with one proxy and no header
(the 500 this module replaced, through axes), and in its non-strict mode it picks an entry the client
wrote. The rule is a few lines over the standard library's ipaddress, tested for 0, 1 and 2 proxies.
"""

import ipaddress

from django.conf import settings

# The one bucket for a request whose address cannot be known (REMOTE_ADDR empty on a Unix socket and
# no usable header): counted together rather than refused, so the page still answers.
UNKNOWN = "0.0.0.0"  # noqa: S104 - never bound to; the name of the unknown client's count


def _ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.5:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request, proxy_count: int | None = None) -> str:
    """The client's IP address as a string, by the rule in the module docstring. Never raises."""
    count = settings.CLIENT_ADDRESS_PROXY_COUNT if proxy_count is None else proxy_count
    peer = _ip(request.META.get("REMOTE_ADDR") or "") or UNKNOWN
    if count <= 0:
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR") or ""
    entries = [_ip(part) for part in header.split(",")] if header.strip() else []
    if len(entries) >= count:
        return entries[-count] or peer
    valid = [entry for entry in entries if entry]
    return valid[0] if valid else peer


def ratelimit_key(group, request) -> str:
    """client_address as a django-ratelimit key callable (it passes the group first)."""
    return client_address(request)

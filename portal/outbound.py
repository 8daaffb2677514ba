"""The one gate for every request the portal makes to another server (security finding F3).

Robot webhooks, messenger APIs and identity providers all go through here:

* ``check_url(url)`` parses a URL, refuses credentials in it, a scheme other than https in
  production (``OUTBOUND_REQUIRE_HTTPS``), and any host that is or resolves to a loopback,
  private, link-local, shared, reserved, multicast or cloud-metadata address (every spelling:
  ``127.1``, ``0x7f000001``, ``2130706433``, ``0177.0.0.1``, ``[::1]``, ``[::ffff:127.0.0.1]``,
  ``localhost``, ``0.0.0.0``, ``metadata.google.internal`` ...). Names are resolved and *every*
  address they resolve to must pass. Networks listed in ``OUTBOUND_ALLOWED_NETWORKS`` (CIDR) are
  let through: an office whose robot gateway sits on its own intranet lists it there.
* ``send(method, url, ...)`` checks again at send time and connects to the address it checked
  (the host name still goes in the ``Host`` header and, for https, in SNI and the certificate
  check), so a name that resolves differently a second later (DNS rebinding) cannot redirect
  the request. Redirects are never followed; a 3xx is an error. At most ``MAX_BODY`` bytes of
  the answer are read, parsed as JSON when possible, and handed to the caller, who must keep
  only the fields it needs: a response body is never stored in a delivery row or the audit log.

Tests pass a ``resolver`` (a function ``host -> [address, ...]``) instead of real DNS.
"""

from __future__ import annotations

import ipaddress
import json as jsonlib
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]

MAX_BODY = 64 * 1024

# Cloud metadata services (AWS/GCP/Azure/OpenStack, AWS ECS, AWS IPv6, Alibaba Cloud, Tencent Cloud).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "169.254.0.23")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


class UnsafeURL(ValidationError):
    """A URL the portal refuses to contact; the message is for the person who entered it."""


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str  # lower-case, IDNA-encoded, no brackets, no trailing dot
    port: int
    path: str  # path and query, as sent
    addresses: tuple[IPAddress, ...] = field(default=())

    @property
    def host_header(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return shown if self.port == default else f"{shown}:{self.port}"


@dataclass(frozen=True)
class Reply:
    status: int
    data: dict | list | None  # the JSON answer, if any: read what you need, never store it whole
    body: bytes = b""  # the raw answer (at most MAX_BODY bytes), for callers that parse XML (CAS)
    content_type: str = ""


def system_resolver(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def _allowed_networks():
    networks = []
    for item in getattr(settings, "OUTBOUND_ALLOWED_NETWORKS", []) or []:
        networks.append(ipaddress.ip_network(item, strict=False))
    return networks


def _blocked_names() -> list[str]:
    return [n.lower().rstrip(".") for n in getattr(settings, "OUTBOUND_BLOCKED_NAMES", [])]


def _literal(host: str) -> IPAddress | None:
    """The address a host spells directly, in any of the forms a C resolver accepts."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    labels = host.split(".")
    if all(_NUMERIC_LABEL.match(label) for label in labels):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            raise UnsafeURL(_("The address %(host)s is not a valid IP address.") % {"host": host}) from None
    return None


def _embedded(ip: IPAddress) -> list[IPAddress]:
    """The IPv4 address hidden in an IPv6 one (mapped, 6to4, Teredo, NAT64), to be checked too."""
    found: list[IPAddress] = []
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in (ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None):
            if inner is not None:
                found.append(inner)
        if ip in NAT64:
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def check_address(ip: IPAddress, *, host: str = "") -> None:
    """Refuse an address that is not on the public internet, unless a setting allows its network."""
    shown = host or str(ip)
    allowed = _allowed_networks()
    for candidate in [ip, *_embedded(ip)]:
        if candidate in METADATA_ADDRESSES:
            # Only an allowance naming exactly this address lets a metadata service through.
            if not any(n.num_addresses == 1 and candidate in n for n in allowed):
                raise UnsafeURL(
                    _("%(host)s is a cloud metadata address; the portal never sends anything there.") % {"host": shown}
                )
            continue
        if any(candidate in network for network in allowed):
            continue
        if candidate.is_loopback or candidate.is_unspecified:
            raise UnsafeURL(
                _("%(host)s points to this server itself (%(address)s); enter the address of the real service.")
                % {"host": shown, "address": candidate}
            )
        if candidate.is_link_local:
            raise UnsafeURL(
                _("%(host)s is a link-local address (%(address)s); the portal does not send there.")
                % {"host": shown, "address": candidate}
            )
        if candidate.is_multicast or not candidate.is_global:
            raise UnsafeURL(
                _(
                    "%(host)s is an internal or reserved address (%(address)s); the portal sends only to public "
                    "addresses unless the administrator allows this network."
                )
                % {"host": shown, "address": candidate}
            )


def _normal_host(raw: str) -> str:
    host = raw.strip().lower().rstrip(".")
    if not host:
        raise UnsafeURL(_("The URL has no host name."))
    if ":" in host:  # an IPv6 literal (urlsplit removed the brackets)
        return host
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnsafeURL(_("The host name %(host)s is not valid.") % {"host": raw}) from None
    if not all(_LABEL.match(label) for label in host.split(".")):
        raise UnsafeURL(_("The host name %(host)s is not valid.") % {"host": raw})
    return host


def check_url(url: str, *, resolver: Resolver | None = None, resolve: bool = True) -> Target:
    """Parse and vet ``url``; with ``resolve`` the name is looked up and every address checked."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
        raw_host = parts.hostname or ""
    except ValueError:
        raise UnsafeURL(_("This is not a valid URL.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL(_("Only http:// and https:// addresses can be used."))
    if scheme != "https" and settings.OUTBOUND_REQUIRE_HTTPS:
        raise UnsafeURL(_("Use an https:// address: this portal sends nothing over unencrypted http."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeURL(_("The URL must not contain a user name or password."))
    if any(ch in url for ch in "\\\r\n\t "):
        raise UnsafeURL(_("This is not a valid URL."))
    host = _normal_host(raw_host)
    port = port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if any(host == name or host.endswith("." + name) for name in _blocked_names()):
        raise UnsafeURL(_("%(host)s is an internal host name; the portal does not send there.") % {"host": host})
    literal = _literal(host)
    if literal is not None:
        check_address(literal, host=raw_host)
        addresses: tuple[IPAddress, ...] = (literal,)
    elif resolve:
        try:
            found = (resolver or system_resolver)(host)
        except (OSError, UnicodeError):
            found = []
        if not found:
            raise UnsafeURL(_("The host name %(host)s cannot be resolved.") % {"host": host})
        resolved = []
        for text in found:
            ip = ipaddress.ip_address(str(text).split("%", 1)[0])
            check_address(ip, host=host)
            resolved.append(ip)
        addresses = tuple(dict.fromkeys(resolved))
    else:
        addresses = ()
    return Target(url=url, scheme=scheme, host=host, port=port, path=path, addresses=addresses)


def validate_url_field(value: str) -> None:
    """A model/form field validator: the same check, for a person typing a URL."""
    if value:
        check_url(value)


# --- Sending ------------------------------------------------------------------


class SendError(Exception):
    """The request failed; the message names the cause, never the answer's body."""


def _pool(target: Target, address: IPAddress, timeout: float):
    common = {"port": target.port, "timeout": urllib3.Timeout(total=timeout), "retries": False, "maxsize": 1}
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            str(address),
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=getattr(settings, "OUTBOUND_CA_BUNDLE", "") or certifi.where(),
            **common,
        )
    return urllib3.HTTPConnectionPool(str(address), **common)


def send(
    method: str,
    url: str,
    *,
    json=None,
    data: bytes | None = None,
    headers: dict | None = None,
    timeout: float | None = None,
    resolver: Resolver | None = None,
) -> Reply:
    """One request to a vetted address, pinned to it, no redirects; raises UnsafeURL or SendError."""
    target = check_url(url, resolver=resolver)
    timeout = timeout or settings.NOTIFY_CHANNEL_TIMEOUT_SECONDS
    body = data
    all_headers = {"Host": target.host_header, "User-Agent": "jiguan-dangjian-portal", **(headers or {})}
    if json is not None:
        body = jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
        all_headers.setdefault("Content-Type", "application/json; charset=utf-8")
    pool = _pool(target, target.addresses[0], timeout)
    try:
        response = pool.urlopen(
            method,
            target.path,
            body=body,
            headers=all_headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            raw = response.read(MAX_BODY + 1, decode_content=True)[:MAX_BODY]
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        raise SendError(f"{exc.__class__.__name__}") from exc
    finally:
        pool.close()
    if 300 <= response.status < 400:
        raise SendError(f"HTTP {response.status}: redirect not followed")
    try:
        parsed = jsonlib.loads(raw.decode("utf-8")) if raw else None
    except (ValueError, UnicodeDecodeError):
        parsed = None
    return Reply(
        status=response.status,
        data=parsed if isinstance(parsed, dict | list) else None,
        body=raw,
        content_type=response.headers.get("Content-Type", ""),
    )

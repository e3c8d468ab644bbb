"""A minimal real OpenID Connect provider on loopback for the tests: discovery document, JWKS,
authorization, token, userinfo and end-session endpoints, ID tokens signed RS256 with joserfc.

`NextLogin` says what the next authorization answers with, including the faults the tests
need (a token signed by a key not in the JWKS, expired, for another audience, another nonce).
The token endpoint checks the client's secret, the code, the redirect URI and the PKCE
verifier, as a real provider does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "samverkan-test"
CLIENT_SECRET = "test-secret-" + "x" * 20


@dataclass
class NextLogin:
    sub: str = "sub-1"
    claims: dict[str, Any] = field(default_factory=dict)
    rogue: bool = False  # signed with a key the JWKS does not hold (same kid)
    expired: bool = False  # iat and exp an hour in the past
    audience: str | None = None  # None: our client id
    nonce: str | None = None  # None: the nonce of the request
    acr: str | None = None
    userinfo: dict[str, Any] = field(default_factory=dict)  # claims only the userinfo serves
    userinfo_sub: str | None = None  # None: the ID token's sub


class LoopbackProvider:
    def __init__(self, *, with_logout: bool = True) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.provider = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.issuer = self.base
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.rogue_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.with_logout = with_logout
        self.next = NextLogin()
        self.codes: dict[str, dict[str, Any]] = {}
        self.logouts: list[dict[str, str]] = []
        self.token_requests = 0
        self.access_tokens: dict[str, NextLogin] = {}
        self.userinfo_requests = 0

    @property
    def discovery_url(self) -> str:
        return f"{self.base}/.well-known/openid-configuration"

    def start(self) -> None:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def discovery(self) -> dict[str, Any]:
        document = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "jwks_uri": f"{self.base}/jwks",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }
        if self.with_logout:
            document["end_session_endpoint"] = f"{self.base}/logout"
        return document

    def jwks(self) -> dict[str, Any]:
        return KeySet([self.key]).as_dict(private=False)

    def authorize(self, query: dict[str, str]) -> str:
        """The redirect back to the client with a code (the user 'logged in' at once)."""
        assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
        assert "openid" in query["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"login": self.next, **query}
        back = {"code": code, "state": query["state"]}
        return f"{query['redirect_uri']}?{urllib.parse.urlencode(back)}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        client = _basic(authorization) or (form.get("client_id"), form.get("client_secret"))
        if client != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}
        request = self.codes.pop(form.get("code", ""), None)
        if request is None or form.get("redirect_uri") != request["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if challenge.rstrip(b"=").decode() != request.get("code_challenge"):
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        login: NextLogin = request["login"]
        now = int(time.time()) - (3600 if login.expired else 0)
        claims = {
            "iss": self.issuer,
            "sub": login.sub,
            "aud": login.audience or CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": login.nonce or request.get("nonce", ""),
            **({"acr": login.acr} if login.acr else {}),
            **login.claims,
        }
        key = self.rogue_key if login.rogue else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        access_token = secrets.token_urlsafe(16)
        self.access_tokens[access_token] = login
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        """The userinfo endpoint: the claims of the login the bearer token was issued for."""
        self.userinfo_requests += 1
        login = self.access_tokens.get(authorization.removeprefix("Bearer "))
        if login is None:
            return 401, {"error": "invalid_token"}
        return 200, {"sub": login.userinfo_sub or login.sub, **login.userinfo}


def _basic(header: str) -> tuple[str, str] | None:
    if not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return urllib.parse.unquote(user), urllib.parse.unquote(password)


class _Handler(BaseHTTPRequestHandler):
    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        provider: LoopbackProvider = self.server.provider  # type: ignore[attr-defined]
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/.well-known/openid-configuration":
            self._json(200, provider.discovery())
        elif url.path == "/jwks":
            self._json(200, provider.jwks())
        elif url.path == "/userinfo":
            self._json(*provider.userinfo(self.headers.get("Authorization", "")))
        elif url.path == "/authorize":
            self._redirect(provider.authorize(query))
        elif url.path == "/logout" and provider.with_logout:
            provider.logouts.append(query)
            self._redirect(query.get("post_logout_redirect_uri", provider.base))
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:  # noqa: N802
        provider: LoopbackProvider = self.server.provider  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if self.path == "/token":
            self._json(*provider.token(form, self.headers.get("Authorization", "")))
        else:
            self._json(404, {"error": "not_found"})

    def log_message(self, format: str, *args: Any) -> None:
        pass

"""A real SAML2 identity provider on loopback for the tests: pysaml2's `Server`, signing with
a key made in the test, behind a small HTTP server (SSO and SLO, redirect binding)."""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import saml2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"


def make_keypair(directory: Path, name: str) -> tuple[str, str]:
    """A fresh RSA key and self-signed certificate (PEM files); returns (key, cert) paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


@dataclass
class NextLogin:
    """What the IdP answers to the next AuthnRequest."""

    name_id: str = "user-1"
    attributes: dict[str, list[str]] = field(default_factory=dict)
    class_ref: str = LOA3
    tamper: bool = False  # change the signed assertion after signing
    rogue: bool = False  # sign with a key that is not in the metadata


class LoopbackIdP:
    def __init__(self, directory: Path, xmlsec: str) -> None:
        self.directory = directory
        self.xmlsec = xmlsec
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.idp = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.entity_id = f"{self.base}/idp"
        self.key, self.cert = make_keypair(directory, "idp")
        self.rogue_key, self.rogue_cert = make_keypair(directory, "rogue")
        self.next = NextLogin()
        self.logout_requests: list[str] = []
        self.with_slo = True
        self.server: Server | None = None
        self.rogue_server: Server | None = None

    def config(self, sp_metadata: str, *, rogue: bool = False) -> dict[str, Any]:
        endpoints: dict[str, Any] = {
            "single_sign_on_service": [(f"{self.base}/sso", saml2.BINDING_HTTP_REDIRECT)],
        }
        if self.with_slo:
            endpoints["single_logout_service"] = [(f"{self.base}/slo", saml2.BINDING_HTTP_REDIRECT)]
        return {
            "entityid": self.entity_id,
            "xmlsec_binary": self.xmlsec,
            "service": {
                "idp": {
                    "name": "Test-IdP Region",
                    "endpoints": endpoints,
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                }
            },
            "organization": {
                "name": "Test-IdP Region",
                "display_name": [("Test-IdP Region", "en")],
                "url": self.base,
            },
            "metadata": {"local": [sp_metadata]},
            "key_file": self.rogue_key if rogue else self.key,
            "cert_file": self.rogue_cert if rogue else self.cert,
        }

    def metadata_file(self) -> str:
        """The IdP's metadata (without an SP it needs none of its own)."""
        conf = IdPConfig()
        conf.load({**self.config(""), "metadata": {}})
        path = self.directory / "idp-metadata.xml"
        path.write_text(str(entity_descriptor(conf)), encoding="utf-8")
        return str(path)

    def trust(self, sp_metadata_xml: str) -> None:
        path = self.directory / "sp-metadata.xml"
        path.write_text(sp_metadata_xml, encoding="utf-8")
        for rogue in (False, True):
            conf = IdPConfig()
            conf.load(self.config(str(path), rogue=rogue))
            if rogue:
                self.rogue_server = Server(config=conf)
            else:
                self.server = Server(config=conf)

    def start(self) -> None:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- the IdP's answers ---

    def answer_sso(self, query: dict[str, str]) -> str:
        assert self.server is not None and self.rogue_server is not None
        request = self.server.parse_authn_request(query["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT)
        message = request.message
        login = self.next
        server = self.rogue_server if login.rogue else self.server
        response = server.create_authn_response(
            login.attributes,
            in_response_to=message.id,
            destination=message.assertion_consumer_service_url,
            sp_entity_id=message.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=login.name_id),
            authn={"class_ref": login.class_ref, "authn_auth": self.entity_id},
            sign_assertion=True,
            sign_response=True,
        )
        text = str(response)
        if login.tamper:
            text = text.replace("SE2321000016-UNIT", "SE2321000016-EVIL")
        args = server.apply_binding(
            saml2.BINDING_HTTP_POST,
            text,
            message.assertion_consumer_service_url,
            query.get("RelayState", ""),
            response=True,
        )
        return str(args["data"])

    def answer_slo(self, query: dict[str, str]) -> str:
        assert self.server is not None
        request = self.server.parse_logout_request(
            query["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT
        )
        self.logout_requests.append(request.message.name_id.text)
        response = self.server.create_logout_response(
            request.message, [saml2.BINDING_HTTP_REDIRECT]
        )
        args = self.server.apply_binding(
            saml2.BINDING_HTTP_REDIRECT,
            str(response),
            response.destination,
            query.get("RelayState", ""),
            response=True,
        )
        return dict(args["headers"])["Location"]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        idp: LoopbackIdP = self.server.idp  # type: ignore[attr-defined]
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/sso":
            body = idp.answer_sso(query).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif url.path == "/slo":
            self.send_response(302)
            self.send_header("Location", idp.answer_slo(query))
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode()


def form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the IdP's auto-submitting POST form."""
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page)
    }

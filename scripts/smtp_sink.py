#!/usr/bin/env python3
"""A real SMTP server on loopback that keeps what it receives, for the tests.

The server under test delivers over TCP with its real transport (lettre); this process accepts
the mail with aiosmtpd (PyPI) and shows it to the tests over a small HTTP API:

    GET    /messages            every message, oldest first
    GET    /messages?to=ADDR    the messages to ADDR
    DELETE /messages            forget them all

Each message is a JSON object: {"from", "to": [...], "subject", "text", "html"}.

--tls starttls|implicit serves TLS with --cert/--key (a self-signed pair the test makes), to
check that the transport speaks both. Stopping the process (SIGTERM) is an SMTP outage; starting
it again on the same ports ends it. Messages are kept in memory only, so a restart forgets them.
"""

import argparse
import email
import email.policy
import json
import signal
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from aiosmtpd.controller import Controller

messages = []
lock = threading.Lock()


class Keep:
    """aiosmtpd handler: parse each message and keep it."""

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        with lock:
            messages.append(
                {
                    "from": envelope.mail_from,
                    "to": list(envelope.rcpt_tos),
                    "subject": str(message.get("subject", "")),
                    "text": text.get_content() if text is not None else "",
                    "html": html.get_content() if html is not None else "",
                }
            )
        return "250 Message accepted for delivery"


class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/messages":
            return self.answer(404, {"detail": "not found"})
        wanted = parse_qs(url.query).get("to", [None])[0]
        with lock:
            found = [m for m in messages if wanted is None or wanted.lower() in (t.lower() for t in m["to"])]
        self.answer(200, found)

    def do_DELETE(self):
        with lock:
            messages.clear()
        self.answer(200, [])

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()

    options = {}
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.tls == "starttls":
            options = {"tls_context": context, "require_starttls": True}
        else:
            options = {"ssl_context": context}
    smtp = Controller(Keep(), hostname="127.0.0.1", port=args.smtp_port, **options)
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", args.http_port), Api)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=http.shutdown).start())
    print(f"smtp sink: smtp 127.0.0.1:{args.smtp_port} ({args.tls}), http 127.0.0.1:{args.http_port}", flush=True)
    try:
        http.serve_forever()
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()

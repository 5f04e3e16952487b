#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for the SMTP adapter's tests (aiosmtpd, not ours).

Prints "READY <port>" once listening, then serves until stdin closes (the test ends) or
--lifetime seconds pass (default 30 minutes: only a net for an orphaned server — a loaded
CI machine can take minutes to boot the test's app after the server is up). Everything it sees goes to --dir:
  events.jsonl    one line per AUTH / MAIL / RCPT / DATA command and the reply it got
                  (with --hang: one CONNECT per connection)
  received.jsonl  one line per accepted message: envelope, TLS and AUTH state, the raw
                  message, and Python's own reading of it (email package, default policy)
  cert.pem        with --tls: the self-signed certificate (the client's ca_file)

Behaviours:
  --tls                 offer STARTTLS and require it before MAIL
  --auth USER:PASSWORD  require AUTH (PLAIN/LOGIN, after STARTTLS) with these credentials
  --fail STAGE REPLY N  answer REPLY to the first N commands of STAGE (rcpt or data)
  --hang                accept connections and never say a word
"""
import argparse
import asyncio
import datetime
import email
import email.policy
import ipaddress
import json
import os
import ssl
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--tls", action="store_true")
parser.add_argument("--auth")
parser.add_argument("--fail", nargs=3, metavar=("STAGE", "REPLY", "COUNT"))
parser.add_argument("--hang", action="store_true")
parser.add_argument("--lifetime", type=float, default=1800)
args = parser.parse_args()


def append(name, record):
    with open(os.path.join(args.dir, name), "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def self_signed_context():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "careflow-test-smtp")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(args.dir, "cert.pem")
    key_path = os.path.join(args.dir, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


class Recorder:
    def __init__(self):
        self.fail_stage, self.fail_reply, self.fail_left = (None, None, 0)
        if args.fail:
            self.fail_stage, self.fail_reply, self.fail_left = args.fail[0], args.fail[1], int(args.fail[2])

    def scripted_failure(self, stage):
        if self.fail_stage == stage and self.fail_left > 0:
            self.fail_left -= 1
            return self.fail_reply
        return None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        append("events.jsonl", {"command": "MAIL", "address": address, "reply": "250"})
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.scripted_failure("rcpt") or "250 OK"
        append("events.jsonl", {"command": "RCPT", "address": address, "reply": reply[:3]})
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server, session, envelope):
        reply = self.scripted_failure("data") or "250 Message accepted for delivery"
        append("events.jsonl", {"command": "DATA", "reply": reply[:3]})
        if not reply.startswith("250"):
            return reply
        raw = envelope.original_content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        plain = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        to = parsed["To"]
        append("received.jsonl", {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "auth_login": session.auth_data if isinstance(session.auth_data, str) else None,
            "raw": raw.decode("utf-8", errors="replace"),
            "seven_bit": all(b < 0x80 for b in raw),
            "parsed": {
                "subject": str(parsed["Subject"]),
                "to_name": to.addresses[0].display_name if to is not None else None,
                "to_address": to.addresses[0].addr_spec if to is not None else None,
                "message_id": str(parsed["Message-ID"]),
                "content_type": parsed.get_content_type(),
                "text": text(plain),
                "html": text(html),
            },
        })
        return reply


def text(part):
    """A decoded text part, its line breaks as "\n" (on the wire they are CRLF)."""
    return part.get_content().replace("\r\n", "\n") if part is not None else None


def authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword
    user, password = args.auth.split(":", 1)
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == user.encode() and auth_data.password == password.encode())
    append("events.jsonl", {"command": "AUTH", "mechanism": mechanism, "reply": "235" if ok else "535"})
    return AuthResult(success=ok, handled=False, auth_data=user if ok else None)


async def hang(reader, writer):
    append("events.jsonl", {"command": "CONNECT", "reply": ""})
    await asyncio.sleep(args.lifetime)


async def main():
    loop = asyncio.get_running_loop()
    if args.hang:
        server = await asyncio.start_server(hang, "127.0.0.1", 0)
    else:
        from aiosmtpd.smtp import SMTP
        options = {"hostname": "careflow-test-smtp"}
        if args.tls:
            options.update(tls_context=self_signed_context(), require_starttls=True)
        if args.auth:
            options.update(auth_required=True, auth_require_tls=True, authenticator=authenticator)
        handler = Recorder()
        server = await loop.create_server(lambda: SMTP(handler, **options), "127.0.0.1", 0)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)

    # Serve until the test closes our stdin (or dies), or the lifetime ends.
    stdin_closed = loop.create_future()
    def on_stdin():
        if not sys.stdin.buffer.read1(1024) and not stdin_closed.done():
            stdin_closed.set_result(None)
    loop.add_reader(sys.stdin.fileno(), on_stdin)
    try:
        await asyncio.wait_for(stdin_closed, timeout=args.lifetime)
    except asyncio.TimeoutError:
        pass
    server.close()


asyncio.run(main())

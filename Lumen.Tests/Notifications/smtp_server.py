"""The notification tests' SMTP server (aiosmtpd): each mail it accepts goes to a Maildir, for the test to read back.

usage: smtp_server.py PORT MAILDIR none|starttls|tls [CERT KEY] [USER PASSWORD]
Prints "ready" once it accepts connections; stops when its standard input closes.
"""
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult

port, maildir, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cert, key = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else (None, None)
user, password = (sys.argv[6], sys.argv[7]) if len(sys.argv) > 7 else (None, None)

tls = None
if cert:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    # handled=False: the server answers 535 itself (aiosmtpd's default, True, would leave the client waiting).
    return AuthResult(success=ok, handled=False)


options = {}
if mode == "starttls":
    options.update(tls_context=tls, require_starttls=True)
if user:
    # aiosmtpd counts only STARTTLS as TLS, so a server that is TLS from the first byte must not ask for it again.
    options.update(authenticator=authenticate, auth_required=True, auth_require_tls=mode == "starttls")
controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port,
                        ssl_context=tls if mode == "tls" else None, server_hostname="127.0.0.1", **options)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()

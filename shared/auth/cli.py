"""`qsfund-token`: mint a token for the local stack, e.g.

    qsfund-token --role reviewer --sub reviewer-wang
    qsfund-token --role applicant --credit-code 91110108551385082Q
    qsfund-token --role platform --sub chongqing-gov-platform
    qsfund-token --init          # only create the key pair (make up does)

The token goes to standard output, alone, for `TOKEN=$(qsfund-token ...)`. The key pair
is created on first use beside the JWKS file the services read: by default
${QSFUND_HOME:-.qsfund}/auth/ (private.jwk.json, readable by its owner only, and jwks.json).
"""

from __future__ import annotations

import argparse
import sys

from pydantic import ValidationError

from .local import local_issuer
from .principal import ROLES
from .settings import AuthSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="qsfund-token",
        description="Mint a development token for the local stack.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument("--role", choices=ROLES)
    parser.add_argument("--sub", help="who it names (applicants default to applicant-CODE)")
    parser.add_argument("--credit-code", help="the enterprise an applicant's token is bound to")
    parser.add_argument("--ttl", type=int, default=3600, help="seconds it is valid (default 3600)")
    parser.add_argument("--init", action="store_true", help="create the key pair, mint nothing")
    args = parser.parse_args(argv)
    try:
        settings = AuthSettings()
    except ValidationError as error:
        parser.error(str(error))
    if settings.production:
        parser.error("QSFUND_ENV is production: tokens come from the issuer, not qsfund-token")
    issuer = local_issuer(settings.jwks_file.parent, settings.issuer, settings.qsfund_auth_audience)
    if args.init:
        print(f"qsfund-token: key pair in {issuer.directory}", file=sys.stderr)
        return
    if args.role is None:
        parser.error("--role is required (or --init)")
    if args.role == "applicant" and not args.credit_code:
        parser.error("an applicant's token needs --credit-code")
    if args.role != "applicant" and args.credit_code:
        parser.error("--credit-code binds applicants only")
    subject = args.sub or (f"applicant-{args.credit_code}" if args.credit_code else None)
    if not subject:
        parser.error("--sub is required for this role")
    if not 0 < args.ttl <= 7 * 24 * 3600:
        parser.error("--ttl must be between 1 second and a week")
    print(issuer.mint(args.role, subject, args.credit_code, ttl_seconds=args.ttl))

"""A password in authinfo for a provider that has been switching password SMTP off (info, dated).

Facts as of 2026, from the providers' own announcements; check your account:

* Microsoft Exchange Online (``smtp.office365.com``): Microsoft is retiring Basic
  authentication (user name and password) for SMTP AUTH submission, announced in
  2024 with the final removal scheduled for 2026; OAuth 2.0 is the supported way.
  sendmail's SMTP client offers no OAuth (``XOAUTH2``) with its stock SASL
  modules.
* Google (``smtp.gmail.com``): Google turned off signing in to SMTP with only the
  account's own password ("less secure apps"): for personal accounts in 2022, for
  Google Workspace accounts in 2025. An app password (which needs 2-Step
  Verification) or OAuth is required.

Info only: the entry may hold an app password, which works.

Bad: ``AuthInfo:smtp.office365.com "U:joe@example.com" "P:account-password"``.

Good: the provider's relay for applications (an app password, a connector by IP,
or a submission service that takes passwords, such as the ISP's).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.maps.authinfo import TAG

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AU006"
NAME = "au-provider-basic-auth"
SEVERITY = "info"
KINDS = ("authinfo",)

_GOOGLE = (
    "Google no longer takes an account's own password for SMTP (personal accounts since "
    "2022, Workspace since 2025): use an app password (needs 2-Step Verification)"
)
PROVIDERS: dict[str, str] = {
    "smtp.office365.com": "Microsoft is retiring password (Basic) SMTP AUTH for Exchange "
    "Online (removal scheduled for 2026; OAuth 2.0 instead)",
    "smtp-mail.outlook.com": "Microsoft is retiring password (Basic) SMTP AUTH for Outlook "
    "and Exchange Online accounts (OAuth 2.0 instead)",
    "smtp.gmail.com": _GOOGLE,
    "smtp.googlemail.com": _GOOGLE,
}
"""Submission hosts -> what the provider has announced (as of 2026)."""


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for e in file.doc.entries:
        if not e.key.lower().startswith(TAG.lower()):
            continue
        host = e.key[len(TAG) :].split(":")[0].strip("[]").rstrip(".").lower()
        note = PROVIDERS.get(host)
        if note is None:
            continue
        yield Problem(
            e.line,
            e.column + len(TAG),
            f"{host}: {note}",
            "make sure this entry holds an app password, or relay through a service "
            "that takes passwords",
        )

"""Who publishes a report, as its cover and imprint say: the publisher's name, address and
contact, the licence it publishes under, an optional logo, and the report's reference.

The publisher is the framework provider's entry in the framework library
(``frameworks.models.Publisher``, found by the framework's ``provider``). A provider with no entry
is named, and nothing more is said about it: a report never says what the library lacks.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from followup.frameworks.models import Framework, Publisher


@dataclass
class Imprint:
    """A report's publisher block, licence statement and contact paragraph."""

    name: str
    address: list[str] = field(default_factory=list)
    telephone: str = ""
    email: str = ""
    website: str = ""
    licence: str = ""
    licence_url: str = ""
    enquiries: str = ""
    logo_png: bytes = b""
    logo_text: str = ""

    @property
    def logo_data_uri(self) -> str:
        """The logo for the HTML and PDF, inside the file (the published HTML loads nothing)."""
        if not self.logo_png:
            return ""
        return "data:image/png;base64," + base64.b64encode(self.logo_png).decode("ascii")

    @property
    def contact(self) -> list[tuple[str, str]]:
        """The ways to contact the publisher that are known, as (label, value)."""
        known = [
            ("Telephone", self.telephone),
            ("Email", self.email),
            ("Website", self.website),
            ("Post", ", ".join(self.address)),
        ]
        return [(label, value) for label, value in known if value]

    @property
    def licence_statement(self) -> str:
        """The sentence saying how the report may be re-used, or nothing if no licence is set."""
        if not self.licence:
            return ""
        text = (
            "You may re-use this report (not including logos) free of charge in any format or "
            f"medium, under the terms of the {self.licence}."
        )
        if self.licence_url:
            text += f" To view the licence, visit {self.licence_url}."
        return text

    @property
    def contact_paragraph(self) -> str:
        """The report's contact paragraph: the publisher's own words, or else a plain one, when
        there is some way to contact it."""
        if not self.contact:
            return ""
        return self.enquiries or f"If you have a question about this report, contact {self.name}."


def publisher_of(framework: Framework) -> Publisher | None:
    """The latest loaded version of the framework provider's publisher entry, if any."""
    if not framework.provider:
        return None
    return Publisher.objects.filter(name=framework.provider).order_by("-version").first()


def imprint_for(framework: Framework) -> Imprint:
    """The imprint of a report on an inspection under this framework."""
    publisher = publisher_of(framework)
    if publisher is None:
        return Imprint(name=framework.provider or "The inspection team")
    return Imprint(
        name=publisher.name,
        address=[line.strip() for line in publisher.address.splitlines() if line.strip()],
        telephone=publisher.telephone,
        email=publisher.email,
        website=publisher.website,
        licence=publisher.licence,
        licence_url=publisher.licence_url,
        enquiries=publisher.enquiries,
        logo_png=base64.b64decode(publisher.logo_png) if publisher.logo_png else b"",
        logo_text=publisher.logo_text,
    )


def public_address(slug: str) -> str:
    """Where the partnership's published reports are listed: a full address when the site's
    origin is known (the first of ``FOLLOWUP_CSRF_TRUSTED_ORIGINS``), else the path on the site."""
    from django.conf import settings
    from django.urls import reverse

    path = reverse("reports:public", args=[slug])
    origins = [o for o in settings.CSRF_TRUSTED_ORIGINS if o.startswith("https://")]
    return origins[0].rstrip("/") + path if origins else path


def reference(slug: str, kind: str, pk: int, version: int | None = None) -> str:
    """The document's reference: the partnership, the kind and number of the document and,
    once published, its version (``south-ayrshire/review-3/v2``)."""
    base = f"{slug}/{kind}-{pk}"
    return f"{base}/v{version}" if version is not None else base

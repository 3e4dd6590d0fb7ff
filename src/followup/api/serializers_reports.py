"""What the API shows of published reports: each version, with its public files' addresses."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from followup.reports.models import Publication


class PublicationSerializer(serializers.ModelSerializer[Publication]):
    current = serializers.SerializerMethodField(
        help_text="Whether this is the current version (no later version replaces it)."
    )
    html_url = serializers.SerializerMethodField(help_text="The report as a web page (public).")
    pdf_url = serializers.SerializerMethodField(help_text="The report as a PDF (public).")
    docx_url = serializers.SerializerMethodField(help_text="The report as a Word file (public).")

    class Meta:
        model = Publication
        fields = (
            "id",
            "kind",
            "title",
            "inspection",
            "review",
            "version",
            "replaces",
            "current",
            "correction_note",
            "published_at",
            "html_url",
            "pdf_url",
            "docx_url",
            "sha256_html",
            "sha256_pdf",
            "sha256_docx",
        )

    def get_current(self, publication: Publication) -> bool:
        return not hasattr(publication, "replaced_by") or publication.replaced_by is None

    def _file(self, publication: Publication, fmt: str) -> str:
        path = reverse(
            "reports:public_file",
            kwargs={"slug": self.context["slug"], "pk": publication.pk, "fmt": fmt},
        )
        return str(self.context["request"].build_absolute_uri(path))

    def get_html_url(self, publication: Publication) -> str:
        return self._file(publication, "html")

    def get_pdf_url(self, publication: Publication) -> str:
        return self._file(publication, "pdf")

    def get_docx_url(self, publication: Publication) -> str:
        return self._file(publication, "docx")

"""A background job, as its page shows it (``jobs.queries``): to poll a large import."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import generics, serializers

from followup.api.filters import NoQuery
from followup.jobs import queries
from followup.jobs.models import Job


class JobSerializer(serializers.ModelSerializer[Job]):
    partnership = serializers.CharField(
        source="partnership.slug", read_only=True, help_text="The partnership's slug."
    )
    page = serializers.SerializerMethodField(help_text="The job's page in Followup.")

    class Meta:
        model = Job
        fields = (
            "id",
            "partnership",
            "kind",
            "title",
            "state",
            "stage",
            "done",
            "total",
            "message",
            "created_at",
            "started_at",
            "finished_at",
            "page",
        )
        extra_kwargs = {
            "state": {"help_text": "queued, running, done or failed: poll until done or failed."},
            "message": {"help_text": "What it did, or why it failed, once it has ended."},
        }

    def get_page(self, job: Job) -> str:
        page = reverse("jobs:job", args=[job.partnership.slug, job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(page) if request is not None else page


class JobDetail(generics.RetrieveAPIView[Job]):
    """A job of one of your partnerships (a large import started through the API, say)."""

    serializer_class = JobSerializer

    def get_object(self) -> Job:
        NoQuery.read(self.request)
        return queries.job_of(self.request.user, self.kwargs["pk"])

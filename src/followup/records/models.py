"""The reading of children's records at an inspection: the partnership's pre-inspection return
(the sampling frame), its records, and the samples drawn from it.

No record holds anything that names a child: the partnership's own pseudonymous record key is
kept only as a keyed hash (``digest``, HMAC-SHA256 with ``FOLLOWUP_RECORDS_KEY``), and a record
is shown by its row in the uploaded return and the first characters of the hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from followup.frameworks.models import Framework, QualityIndicator
from followup.inspections.models import Inspection

# The first characters of a record's hash, shown as its reference.
REFERENCE_CHARS = 10


class Cohort(models.TextChoices):
    """The cohorts in scope, in the order that decides a record's stratum: a child in several
    is counted in the first."""

    REGISTER = "register", "Child protection register"
    INVESTIGATION = "investigation", "Investigation not leading to registration"
    CARE_AND_RISK = "care_and_risk", "Care and risk management"
    AT_HOME = "at_home", "Looked after at home"


class Agency(models.TextChoices):
    SOCIAL_WORK = "social_work", "Social work"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    POLICE = "police", "Police"
    REPORTER = "reporter", "Children's Reporter"


class AnswerType(models.TextChoices):
    SIX_POINT = "six_point", "Six-point scale (1 Unsatisfactory to 6 Excellent)"
    YES_NO_NA = "yes_no_na", "Yes, no or not applicable"
    FREE_TEXT = "free_text", "Free text"


class ReadingTemplate(models.Model):
    """A version of a records reading template, loaded from the framework library
    (``records.template_files``). Frozen: a version loaded once never changes, and a changed file
    needs a new version; a version a sample uses (``in_use``) cannot be deleted either."""

    key = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the loaded content")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="records_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"

    def in_use(self) -> bool:
        """Whether any sample reads with this version: its content is then the readings'."""
        return Sample.objects.filter(template=self).exists()


class TemplateSection(models.Model):
    template = models.ForeignKey(ReadingTemplate, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["template", "order"]

    def __str__(self) -> str:
        return self.title


class TemplateQuestion(models.Model):
    """A question of a template: what the reader answers about one record, from which agencies'
    records, and which quality indicators the answers are evidence for."""

    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="questions")
    template = models.ForeignKey(ReadingTemplate, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField()
    key = models.SlugField(max_length=60)
    prompt = models.TextField()
    records = models.JSONField(default=list, help_text="The agencies' records it draws on.")
    answer = models.CharField(max_length=20, choices=AnswerType.choices)
    critical = models.BooleanField(default=False, help_text="A poor answer raises a concern.")
    indicators = models.ManyToManyField(QualityIndicator, related_name="+", blank=True)

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="records_question_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.prompt}"

    def agencies(self) -> list[str]:
        labels = {agency.value: str(agency.label) for agency in Agency}
        return [labels.get(value, value) for value in self.records]


class RecordsReturn(models.Model):
    """A pre-inspection return uploaded for an inspection: the frame samples are drawn from.
    The newest is the inspection's frame; earlier ones are kept with their samples."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="records_returns"
    )
    filename = models.CharField(max_length=255)
    record_count = models.PositiveIntegerField()
    is_illustrative = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"Pre-inspection return {self.filename} ({self.record_count} children)"


class FrameRecord(models.Model):
    """One child's line of a return: no name, no date, no key but its hash."""

    frame = models.ForeignKey(RecordsReturn, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField(help_text="The row of the uploaded file.")
    digest = models.CharField(max_length=64, help_text="HMAC-SHA256 of the record key, as hex.")
    register = models.BooleanField(default=False)
    investigation = models.BooleanField(default=False)
    care_and_risk = models.BooleanField(default=False)
    at_home = models.BooleanField(default=False)
    social_work = models.BooleanField(default=False)
    health = models.BooleanField(default=False)
    education = models.BooleanField(default=False)
    police = models.BooleanField(default=False)
    reporter = models.BooleanField(default=False)
    age_band = models.CharField(max_length=20)
    team = models.CharField(max_length=100, blank=True)
    stratum = models.CharField(max_length=20, choices=Cohort.choices)

    class Meta:
        ordering = ["frame", "row"]
        constraints = [
            models.UniqueConstraint(fields=["frame", "digest"], name="records_one_row_a_key"),
        ]

    def __str__(self) -> str:
        return f"Row {self.row} ({self.reference})"

    @property
    def reference(self) -> str:
        return self.digest[:REFERENCE_CHARS]

    def agencies(self) -> list[str]:
        return [str(agency.label) for agency in Agency if getattr(self, agency.value)]

    def cohorts(self) -> list[str]:
        return [str(cohort.label) for cohort in Cohort if getattr(self, cohort.value)]


class Sample(models.Model):
    """A stratified random sample of a frame, frozen once drawn: drawing again makes a new one
    that ``replaces`` it. Records added on purpose are kept apart from the random ones."""

    frame = models.ForeignKey(RecordsReturn, on_delete=models.CASCADE, related_name="samples")
    number = models.PositiveIntegerField(help_text="1 for the frame's first sample, and so on.")
    size = models.PositiveIntegerField(help_text="Records drawn at random.")
    seed = models.BigIntegerField()
    template = models.ForeignKey(
        ReadingTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="samples",
        help_text="The reading template its records are read with.",
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)
    # When the inspection team released the findings to the partnership: from then on the
    # partnership (once the inspection is published) and the report see them as they stood
    # then, and never again as they change (``records.results``).
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["frame", "number"], name="records_sample_number"),
        ]

    def __str__(self) -> str:
        return f"Sample {self.number} (seed {self.seed}, {self.size} records)"


class SampledRecord(models.Model):
    """A record in a sample: drawn at random, or added on purpose with the reason."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="members")
    record = models.ForeignKey(FrameRecord, on_delete=models.CASCADE, related_name="+")
    purposive = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["purposive", "record__row"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "record"], name="records_once_a_sample"),
        ]

    def __str__(self) -> str:
        kind = "purposive" if self.purposive else "random"
        return f"{self.record} in sample {self.sample.number} ({kind})"


class ReadingPair(models.Model):
    """Two people who read the same records of a sample, each on their own: an inspector and a
    local reader (the partnership's own staff, ``Role.READER``)."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="pairs")
    number = models.PositiveIntegerField(help_text="1 for the sample's first pair, and so on.")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sample", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "number"], name="records_pair_number"),
            models.UniqueConstraint(
                fields=["sample", "inspector", "reader"], name="records_pair_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Pair {self.number}: {self.inspector} and {self.reader}"

    def has(self, user_id: int | None) -> bool:
        return user_id in (self.inspector_id, self.reader_id)


class Assignment(models.Model):
    """A sampled record given to a pair to read. Reassigned (to another pair) only while neither
    has saved a reading of it."""

    member = models.OneToOneField(
        SampledRecord, on_delete=models.CASCADE, related_name="assignment"
    )
    pair = models.ForeignKey(ReadingPair, on_delete=models.CASCADE, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pair", "member__record__row"]

    def __str__(self) -> str:
        return f"{self.member.record} to pair {self.pair.number}"


class Reading(models.Model):
    """One reader's reading of one record: a draft they may change, then submitted, and never
    changed again."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    member = models.ForeignKey(SampledRecord, on_delete=models.CASCADE, related_name="readings")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    saved_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member", "reader"]
        constraints = [
            models.UniqueConstraint(fields=["member", "reader"], name="records_one_reading"),
        ]

    def __str__(self) -> str:
        return f"{self.member.record} read by {self.reader} ({self.get_status_display()})"

    @property
    def submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """A reading's answer to one question: a grade from 1 to 6, yes, no or not applicable, or a
    short text, as the question's answer type says (``value``, as text)."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(TemplateQuestion, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(blank=True)

    class Meta:
        ordering = ["reading", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "question"], name="records_one_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.value}"


class Moderation(models.Model):
    """The answer a pair agrees for one question of one record, once both readings are
    submitted, with the reason. The two readings are kept as they were."""

    member = models.ForeignKey(SampledRecord, on_delete=models.CASCADE, related_name="moderations")
    question = models.ForeignKey(TemplateQuestion, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(blank=True)
    rationale = models.CharField(max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["member", "question"], name="records_one_moderation"),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.value} (moderated)"


class Urgency(models.TextChoices):
    """How soon the agency should act on a concern, most urgent first."""

    IMMEDIATE = "immediate", "Immediate: today"
    DAY = "day", "Within 24 hours"
    WEEK = "week", "Within the week"


class Concern(models.Model):
    """A concern about a child's safety raised while reading a sampled record: it goes to the
    inspection team, whose lead records whether and when it was passed to the partnership's
    named senior manager. Seen only by the inspection team; it holds nothing that names a child.
    Its passing on, once recorded, is never changed."""

    member = models.ForeignKey(SampledRecord, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    what = models.TextField()
    agency = models.CharField(max_length=20, choices=Agency.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    question = models.ForeignKey(
        TemplateQuestion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    passed_on = models.BooleanField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    passed_to = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    not_passed_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"Concern about row {self.member.record.row} ({self.get_urgency_display()})"

    @property
    def recorded(self) -> bool:
        return self.recorded_at is not None


class RecordsDeletion(models.Model):
    """That an inspection's records reading was deleted under the retention rule: its
    pre-inspection returns (and so the record keys' hashes), samples, pairs, readings, moderated
    answers and concerns, ``FOLLOWUP_RECORDS_RETENTION_MONTHS`` after the inspection was
    published, by ``followup tick`` (``records.actions_retention``). It keeps when, under which
    rule, and how many rows of each kind went: nothing of what they held."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="records_deletions"
    )
    deleted_at = models.DateTimeField(auto_now_add=True)
    published_on = models.DateField(help_text="The publication date the rule counted from.")
    retention_months = models.PositiveIntegerField(help_text="The rule's months then.")
    returns = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0, help_text="Children's rows of the returns.")
    samples = models.PositiveIntegerField(default=0)
    sampled = models.PositiveIntegerField(default=0, help_text="Records in the samples.")
    pairs = models.PositiveIntegerField(default=0)
    readings = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    moderations = models.PositiveIntegerField(default=0)
    concerns = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return (
            f"Records reading of {self.inspection} deleted under the retention rule "
            f"({self.returns} returns, {self.readings} readings)"
        )

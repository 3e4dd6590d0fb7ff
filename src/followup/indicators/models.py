"""Performance data: data elements, periods, releases and values; indicators computed on read.

Official statistics (``partnership`` empty) are public and shared by every partnership; a
partnership's own management information is visible only to it. A value belongs to one release:
a revision is a new value from a later release, never an overwrite.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from followup.frameworks.models import QualityIndicator
from followup.indicators.periods import KINDS
from followup.inspections.models import Recommendation
from followup.lib import storedfiles
from followup.partnerships.models import Area, Partnership

WELLBEING = (
    "Safe",
    "Healthy",
    "Achieving",
    "Nurtured",
    "Active",
    "Respected",
    "Responsible",
    "Included",
)


class DataElement(models.Model):
    """One thing that is counted or measured, such as children looked after at 31 July."""

    code = models.SlugField(
        max_length=100, help_text="Short code used in files, e.g. looked_after_total"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    period_kind = models.CharField(max_length=20, choices=[(k, k) for k in KINDS], default="year")
    is_count = models.BooleanField(
        default=True, help_text="A count: a whole number, never negative."
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="data_elements",
        help_text="Empty for official statistics shared by all partnerships.",
    )
    source = models.TextField(blank=True)
    formula = models.CharField(
        max_length=500,
        blank=True,
        help_text=(
            "Only for a derived data element: the data elements it adds up, e.g. "
            "looked_after_community + looked_after_residential. Its figures are then worked out "
            "from those parts whenever they are read, and no file may give them."
        ),
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(partnership__isnull=True),
                name="unique_official_element",
            ),
            models.UniqueConstraint(
                fields=["code", "partnership"], name="unique_partnership_element"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A formula names data elements its owner can see, none of them derived; and an element
        some formula names cannot become derived itself."""
        from django.core.exceptions import ValidationError

        from followup.indicators.derived import resolve
        from followup.indicators.rules import parse_expression
        from followup.indicators.scope import elements_by_code, visible_elements

        if (
            self.partnership_id is not None
            and visible_elements(None).filter(code=self.code).exclude(pk=self.pk).exists()
        ):
            raise ValidationError(
                {
                    "code": f"An official data element has the code {self.code}: give the "
                    "partnership's own a code of its own, so that files and exports can tell "
                    "the two apart"
                }
            )
        if not self.formula.strip():
            self.formula = ""
            return
        try:
            resolve(self, elements_by_code(self.partnership_id))
        except ValueError as error:
            raise ValidationError({"formula": str(error)}) from None
        others = DataElement.objects.exclude(formula="").exclude(pk=self.pk)
        if self.partnership_id is not None:
            others = others.filter(partnership_id=self.partnership_id)
        for other in others:
            try:
                codes = {code for _, code, _ in parse_expression(other.formula) if code}
            except ValueError:
                continue
            if self.code in codes:
                raise ValidationError(
                    {
                        "formula": f"{other.code} adds up {self.code}, so {self.code} cannot be derived"
                    }
                )


class Period(models.Model):
    id = models.CharField(max_length=20, primary_key=True, help_text="Canonical id, e.g. 2023Q3")
    kind = models.CharField(max_length=20, choices=[(k, k) for k in KINDS])
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start", "end"]

    def __str__(self) -> str:
        return self.id


class Release(models.Model):
    """A publication (or a partnership's data return) that values come from."""

    name = models.CharField(max_length=300)
    published_on = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="releases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    revision = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised by each import that adds values to the release (withheld_memo)",
    )

    class Meta:
        ordering = ["published_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(partnership__isnull=True),
                name="unique_official_release",
            ),
            models.UniqueConstraint(
                fields=["name", "partnership"], name="unique_partnership_release"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Release names tell releases apart: a partnership's own release never shares a name
        with an official one (docs/data-import.md)."""
        from django.core.exceptions import ValidationError

        from followup.indicators.scope import release_name_clash

        clash = release_name_clash(self.name, self.partnership_id)
        if clash:
            raise ValidationError({"name": clash})


def release_order(prefix: str = "release__") -> list[Any]:
    """The order of releases, oldest first: dated releases by date, then undated ones, each by
    when they were added. The last is "the latest release", which pages show by default."""
    return [
        models.F(f"{prefix}published_on").asc(nulls_last=True),
        f"{prefix}id" if prefix else "id",
    ]


class DataValue(models.Model):
    # The unique constraint (element, area, period, release) serves lookups by element, and by
    # element, area and period: no separate indexes for those, which would slow every import.
    element = models.ForeignKey(
        DataElement, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT)
    period = models.ForeignKey(Period, on_delete=models.PROTECT)
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="values")
    value = models.FloatField()
    status = models.CharField(max_length=100, blank=True, help_text="e.g. provisional, revised")
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["element", "area", "period", "release"], name="one_value_per_release"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element.code} {self.area.code} {self.period_id} = {self.value:g} ({self.release})"


class Indicator(models.Model):
    """numerator ÷ denominator × factor, computed on read from the latest releases."""

    class Direction(models.TextChoices):
        INCREASE = "increase", "Higher is better"
        DECREASE = "decrease", "Lower is better"
        NEUTRAL = "neutral", "Neither"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(max_length=100)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    numerator = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    denominator = models.ForeignKey(
        DataElement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    factor = models.PositiveIntegerField(default=1, help_text="1, 100, 1,000, 10,000 or 100,000")
    unit = models.CharField(
        max_length=100, blank=True, help_text="e.g. children, %, per 1,000 children"
    )
    improvement_direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.NEUTRAL
    )
    frequency = models.CharField(max_length=20, choices=[(k, k) for k in KINDS], default="year")
    source = models.TextField(blank=True)
    target = models.FloatField(null=True, blank=True)
    chart = models.CharField(
        max_length=10, blank=True, help_text="Chart type, when not chosen from the unit"
    )
    funnel_method = models.CharField(
        max_length=20,
        blank=True,
        help_text="Funnel plot limits: empty for Spiegelhalter's (widened for overdispersion), 'phe'",
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, help_text="The partnership's own area")
    quality_indicators = models.ManyToManyField(QualityIndicator, blank=True)
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="indicators")
    wellbeing = models.JSONField(
        default=list, blank=True, help_text="Wellbeing indicators (SHANARRI)"
    )
    is_illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="unique_indicator_code")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The numerator and denominator are data elements the indicator's partnership can see:
        official ones or its own (the web's actions and the admin both call this)."""
        errors: dict[str, str] = {}
        for name in ("numerator", "denominator"):
            element_id = getattr(self, f"{name}_id")
            if element_id is None or self.partnership_id is None:
                continue
            owner = DataElement.objects.filter(pk=element_id).values_list(
                "partnership_id", flat=True
            )
            if owner.first() not in (None, self.partnership_id):
                errors[name] = "Choose a data element that is official or this partnership’s own."
        if errors:
            raise ValidationError(errors)


class ValidationRule(models.Model):
    """A check in the DHIS2 manner: left expression, operator, right expression.

    Expressions add and subtract data element codes and numbers, e.g.
    ``looked_after_community + looked_after_residential``. A rule is checked for every area and
    period where all its data elements have a value (the latest release of each).
    """

    class Severity(models.TextChoices):
        ERROR = "error", "Error: the import is refused"
        WARNING = "warning", "Warning: the import goes ahead, and the page lists it"

    OPERATORS = ("==", "!=", "<", "<=", ">", ">=")

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    left = models.CharField(max_length=500)
    operator = models.CharField(max_length=2, choices=[(o, o) for o in OPERATORS])
    right = models.CharField(max_length=500)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.ERROR)
    partnership = models.ForeignKey(Partnership, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}: {self.left} {self.operator} {self.right}"

    def clean(self) -> None:
        """Each side reads, and names only data elements the rule's owner can see (official
        ones for an official rule): a rule naming none that exists would never be checked."""
        from django.core.exceptions import ValidationError

        from followup.indicators.rules import parse_expression
        from followup.indicators.scope import elements_by_code

        known = elements_by_code(self.partnership_id)
        errors: dict[str, str] = {}
        for side in ("left", "right"):
            try:
                terms = parse_expression(getattr(self, side))
            except ValueError as error:
                errors[side] = f"The expression cannot be read: {error}"
                continue
            unknown = sorted({code for _, code, _ in terms if code and code not in known})
            if unknown:
                seen = "official ones" + (
                    "" if self.partnership_id is None else ", and the partnership's own"
                )
                errors[side] = (
                    f"{', '.join(unknown)} {'is not a data element' if len(unknown) == 1 else 'are not data elements'} "
                    f"this rule can see ({seen})"
                )
        if errors:
            raise ValidationError(errors)


def staged_upload_file(instance: ImportUpload, filename: str) -> str:
    """Where a staged data file's table is stored: ``uploads/indicators/partnership-7/<random>``.
    Never the uploaded file's own name, which is kept in ``filename`` only."""
    return staged_name(instance.partnership_id, storedfiles.token())


def staged_name(partnership_id: int, token: str) -> str:
    """The stored name of a partnership's staged data file with this random part."""
    return f"uploads/indicators/partnership-{partnership_id}/{token}.table"


class ImportUpload(models.Model):
    """A file uploaded in the web, held between its preview and its import (then emptied). Its
    table is kept in the storage (``followup.lib.storedfiles``); ``data`` names it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="uploads")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    data = models.FileField(upload_to=staged_upload_file, max_length=300, blank=True)
    release = models.CharField(max_length=300)
    create_elements = models.BooleanField(default=False)
    mapping = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # The job importing it, for a file large enough to be imported in the background: a second
    # press of Import goes to this job while it is queued or running.
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.release})"


class WithheldMemo(models.Model):
    """What a partnership's viewers are not shown, as ``disclosed.withheld_figures`` last worked
    it out, with the fingerprint of everything that answer was worked out from
    (``withheld_memo.fingerprint``). It is used only while the fingerprint still matches: any
    change to a value, release, data element, indicator, rule, area, group, published report or
    the threshold changes the fingerprint, and the figures are worked out afresh."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="withheld_memo"
    )
    fingerprint = models.CharField(max_length=64)
    figures = models.JSONField(help_text="[data element, area, period] of each withheld figure")
    linked = models.JSONField(help_text="Data elements whose earlier releases are withheld")
    worked_out_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Withheld figures of {self.partnership} ({len(self.figures)})"


class WithheldWork(models.Model):
    """Someone is working out what a partnership's viewers may not see, for a fingerprint: other
    pages wait for their answer instead of working it out too (``withheld_memo.remembered``).
    A claim older than ``withheld_memo.CLAIM_LASTS`` is taken over (its process may have died)."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="withheld_work"
    )
    fingerprint = models.CharField(max_length=64, blank=True)
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"Working out the withheld figures of {self.partnership} since {self.since}"

"""Factories for object graphs. They write directly, bypassing actions (and so the audit log)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import struct
import time
from typing import Any

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

from followup.frameworks.models import Framework
from followup.indicators.models import Indicator
from followup.inspections.models import Evaluation, Inspection, Recommendation
from followup.lib.types import CommandLine
from followup.partnerships.models import Area, Membership, Organisation, Partnership
from followup.plans.models import Action, ActionUpdate, UpdateDecision
from followup.records.actions_templates import load_template_library
from followup.records.models import (
    Assignment,
    FrameRecord,
    ReadingPair,
    RecordsReturn,
    Sample,
    SampledRecord,
)
from followup.records.queries import default_reading_template
from followup.reviews.models import DEFAULT_PROGRESS_SCALE, ProgressReview, RecommendationProgress

FRAMEWORK_2012 = "urn:followup:framework:ci-children-2012"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    slug = factory.Sequence(lambda n: f"partnership-{n}")
    name = factory.Sequence(lambda n: f"Partnership {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = "council"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = "viewer"


def framework_2012() -> Framework:
    return Framework.objects.get(urn=FRAMEWORK_2012, version=1)


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    partnership = factory.SubFactory(PartnershipFactory)
    framework = factory.LazyFunction(framework_2012)
    title = factory.Sequence(lambda n: f"Inspection {n}")
    fieldwork_start = datetime.date(2016, 4, 25)
    fieldwork_end = datetime.date(2016, 6, 10)
    published_on = datetime.date(2016, 10, 4)
    status = "published"
    scale = factory.LazyAttribute(lambda o: list(o.framework.scale.levels))
    scale_name = factory.LazyAttribute(lambda o: o.framework.scale.name)


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    inspection = factory.SubFactory(InspectionFactory)
    quality_indicator = factory.LazyAttribute(
        lambda o: o.inspection.framework.assessable_indicators().first()
    )
    grade = 4


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    inspection = factory.SubFactory(InspectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Recommendation text {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    status = "in_progress"
    start_date = datetime.date(2017, 1, 1)
    due_date = datetime.date(2030, 1, 1)


class UpdateDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UpdateDecision

    outcome = "accepted"
    by_name = "lead"


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    """An accepted update, as every update written before updates needed accepting is (plans
    migration 0004); ``decision=None`` makes one waiting for acceptance."""

    class Meta:
        model = ActionUpdate
        skip_postgeneration_save = True  # updates are append-only

    action = factory.SubFactory(ActionFactory)
    on = datetime.date(2017, 6, 1)
    status = "in_progress"
    rating = "on_track"
    note = "Progress note"
    decision = factory.RelatedFactory(UpdateDecisionFactory, factory_related_name="update")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReview

    inspection = factory.SubFactory(InspectionFactory)
    title = factory.Sequence(lambda n: f"Progress review {n}")
    status = "draft"
    progress_scale = factory.LazyFunction(lambda: [dict(level) for level in DEFAULT_PROGRESS_SCALE])
    progress_scale_name = "Followup progress scale"


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationProgress

    review = factory.SubFactory(ReviewFactory)
    recommendation = factory.SubFactory(
        RecommendationFactory, inspection=factory.SelfAttribute("..review.inspection")
    )
    level = 4
    narrative = "Judgement narrative"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"S99{n:06d}")
    name = factory.Sequence(lambda n: f"Area {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    improvement_direction = "decrease"


class RecordsReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordsReturn

    filename = "return.csv"
    record_count = 0


class FrameRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameRecord

    row = factory.Sequence(lambda n: n + 2)
    digest = factory.Sequence(lambda n: hashlib.sha256(f"record {n}".encode()).hexdigest())
    register = True
    social_work = True
    age_band = "5-11"
    team = "Ayr North team"
    stratum = "register"


def records_sample(inspection: Any, children: int = 6, drawn: int = 3) -> Sample:
    """A return of ``children`` records for the inspection, and a sample of the first ``drawn``
    (written directly: the records tests draw real samples through the actions)."""
    frame: Any = RecordsReturnFactory(inspection=inspection, record_count=children)
    records: list[Any] = [FrameRecordFactory(frame=frame) for _ in range(children)]
    sample = Sample.objects.create(frame=frame, number=1, size=drawn, seed=1)
    SampledRecord.objects.bulk_create(
        SampledRecord(sample=sample, record=r) for r in records[:drawn]
    )
    return sample


def paired_record(inspection: Any, inspector: Any, reader: Any | None = None) -> SampledRecord:
    """A sampled record of a sample read with Followup's default template, assigned to a pair of
    ``inspector`` and ``reader`` (a new local reader of the inspection's partnership if none is
    given), written directly: tests/records reads through the actions and pages."""
    if default_reading_template() is None:
        load_template_library(CommandLine("tests"))
    sample = records_sample(inspection)
    sample.template = default_reading_template()
    sample.save(update_fields=["template"])
    if reader is None:
        reader = UserFactory.create()
        MembershipFactory(user=reader, partnership=inspection.partnership, role="reader")
    pair = ReadingPair.objects.create(sample=sample, number=1, inspector=inspector, reader=reader)
    member = SampledRecord.objects.filter(sample=sample).order_by("pk").first()
    assert member is not None
    Assignment.objects.create(member=member, pair=pair)
    return member


# A second factor with a known secret, for the cast's inspector and admin (who must have one) and
# for tests that sign in with a code: totp_code(TOTP_SECRET) is the code an app would show now.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_authenticator(user: Any, secret: str = TOTP_SECRET) -> Authenticator:
    return TOTP.activate(user, secret).instance


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    """The code for ``secret`` at time ``at`` (now), made as RFC 6238 says (HMAC-SHA1, 30 s, 6
    digits), independently of allauth's own code."""
    if at is None:
        # A code typed in the last seconds of its 30-second window may reach the server in the
        # next one, where it is refused (allauth allows no earlier window): wait for a fresh one.
        left = 30 - time.time() % 30
        if left < 3:
            time.sleep(left + 0.05)
    counter = int(time.time() if at is None else at) // 30
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def superuser(username: str, password: str = "correct horse battery staple") -> Any:
    """A superuser (who may use the Django admin), with the second factor they must have."""
    user = get_user_model().objects.create_superuser(username, "", password)
    totp_authenticator(user)
    return user

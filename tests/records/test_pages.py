"""The records reading pages over HTTP: the inspection team uploads the return, draws a sample
with a seed and adds records on purpose; the partnership's own members and outsiders are kept
out."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.records.models import FrameRecord, RecordsReturn, Sample, SampledRecord
from followup.records.returns import record_digest
from tests.records.returns_data import HEADINGS, child, return_csv
from tests.submissions import key


def upload(client, world, data: bytes, name: str = "return.csv"):
    url = reverse("records:upload", args=["home", world.home.inspection.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data), **key(client)})


def draw(client, world, size: int, seed: int):
    url = reverse("records:draw", args=["home", world.home.inspection.pk])
    return client.post(url, {"size": size, "seed": seed, **key(client)})


def members(sample: Sample) -> set[int]:
    return set(
        SampledRecord.objects.filter(sample=sample, purposive=False).values_list(
            "record__row", flat=True
        )
    )


def test_an_inspector_uploads_a_return_and_sees_it_counted_by_cohort_agency_and_age(world):
    client = world.client_for("inspector")
    response = upload(client, world, return_csv(20))
    reading = reverse("records:reading", args=["home", world.home.inspection.pk])
    assert response.status_code == 302 and response["Location"] == reading
    page = client.get(reading).content.decode()
    assert "20 in 4 teams" in page
    assert (
        'Child protection register</th><td class="govuk-table__cell govuk-table__cell--numeric">10</td>'
        in page
    )
    assert "10 (50.0%)" in page and "6 (30.0%)" in page and "2 (10.0%)" in page
    frame = RecordsReturn.objects.get()
    assert frame.record_count == 20
    entry = AuditEntry.objects.get(verb="records_return.upload")
    assert entry.changes["record_count"] == [None, 20]


def test_only_the_hash_of_each_record_key_is_stored_and_logged(world):
    upload(world.client_for("inspector"), world, return_csv(20))
    digests = set(FrameRecord.objects.values_list("digest", flat=True))
    assert record_digest(settings.RECORDS_KEY, "SA-0001") in digests
    stored = [str(list(FrameRecord.objects.values())), str(list(AuditEntry.objects.values()))]
    assert not any("SA-0001" in text for text in stored)


def test_a_return_with_a_name_column_is_refused_whole_with_the_reason(world):
    client = world.client_for("inspector")
    data = return_csv(rows=[child(1) | {"Name": "x"}], headings=[*HEADINGS, "Name"])
    response = upload(client, world, data)
    assert response.status_code == 200
    assert (
        "Row 1, column 13 (Name): this looks like a personal identifier"
        in response.content.decode()
    )
    assert not RecordsReturn.objects.exists() and not FrameRecord.objects.exists()


def test_a_return_with_one_bad_row_imports_nothing(world):
    rows = [child(n) for n in range(1, 20)] + [child(20) | {"team": "Jamie Kerr"}]
    response = upload(world.client_for("inspector"), world, return_csv(rows=rows))
    assert "Row 21, column team: this looks like a personal name" in response.content.decode()
    assert not FrameRecord.objects.exists()


def test_the_same_seed_draws_the_same_sample_and_a_redraw_is_a_new_sample_the_log_names(world):
    client = world.client_for("inspector")
    upload(client, world, return_csv(20))
    first = draw(client, world, 10, 4242)
    assert first.status_code == 302
    again = draw(client, world, 10, 4242)
    one, two = Sample.objects.get(number=1), Sample.objects.get(number=2)
    assert again["Location"] == reverse("records:sample", args=["home", two.pk])
    assert members(one) == members(two) and len(members(one)) == 10
    assert two.replaces == one and two.seed == 4242
    assert list(
        AuditEntry.objects.filter(verb__startswith="sample.")
        .values_list("verb", flat=True)
        .order_by("id")
    ) == [
        "sample.draw",
        "sample.redraw",
    ]
    redraw = AuditEntry.objects.get(verb="sample.redraw")
    assert redraw.changes["replaces"] == [None, str(one)]
    other = draw(client, world, 10, 4243)
    assert other.status_code == 302
    assert members(Sample.objects.get(number=3)) != members(one)


def test_the_sample_page_shows_strata_in_the_frame_and_the_sample_and_the_margin_of_error(world):
    client = world.client_for("inspector")
    upload(client, world, return_csv(20))
    draw(client, world, 10, 7)
    sample = Sample.objects.get()
    page = client.get(reverse("records:sample", args=["home", sample.pk])).content.decode()
    # 10 of 20 in strata of 10, 6, 2 and 2: 5, 3, 1 and 1, the frame's proportions exactly.
    assert (
        '10 (50.0%)</td><td class="govuk-table__cell govuk-table__cell--numeric">5 (50.0%)' in page
    )
    assert (
        '6 (30.0%)</td><td class="govuk-table__cell govuk-table__cell--numeric">3 (30.0%)' in page
    )
    # 1.96 * sqrt(0.25 / 10) * sqrt(10 / 19) = 0.2248: 22.5 points.
    assert "±22.5 percentage points" in page
    assert "7: the same seed and the same return always give the same sample" in page


def test_a_record_added_on_purpose_is_flagged_and_kept_out_of_the_random_percentages(world):
    client = world.client_for("inspector")
    upload(client, world, return_csv(20))
    draw(client, world, 10, 7)
    sample = Sample.objects.get()
    outside = FrameRecord.objects.exclude(pk__in=SampledRecord.objects.values("record")).first()
    assert outside is not None
    url = reverse("records:purposive", args=["home", sample.pk])
    record_key = f"SA-{outside.row - 1:04d}"
    response = client.post(
        url,
        {"record_key": record_key, "reason": "Named in a significant case review", **key(client)},
    )
    assert response.status_code == 302
    added = SampledRecord.objects.get(purposive=True)
    assert added.record == outside and added.reason == "Named in a significant case review"
    page = client.get(reverse("records:sample", args=["home", sample.pk])).content.decode()
    assert "5 (50.0%)" in page and "1 record, outside the random sample" in page
    assert "±22.5 percentage points" in page
    assert "Purposive</strong> Named in a significant case review" in page
    assert AuditEntry.objects.filter(verb="sample.add_purposive").count() == 1
    again = client.post(url, {"record_key": record_key, "reason": "Again", **key(client)})
    assert f"Row {outside.row} is in the sample already" in again.content.decode()
    unknown = client.post(url, {"record_key": "SA-9999", "reason": "Why", **key(client)})
    assert "no row has this key" in unknown.content.decode()
    assert SampledRecord.objects.filter(purposive=True).count() == 1


def test_a_replaced_sample_takes_no_more_additions(world):
    client = world.client_for("inspector")
    upload(client, world, return_csv(20))
    draw(client, world, 5, 1)
    draw(client, world, 5, 2)
    old = Sample.objects.get(number=1)
    url = reverse("records:purposive", args=["home", old.pk])
    response = client.post(url, {"record_key": "SA-0001", "reason": "Why", **key(client)})
    assert "A newer sample or return replaced this sample" in response.content.decode()
    assert not SampledRecord.objects.filter(purposive=True).exists()


def test_a_sample_larger_than_the_return_is_refused_naming_the_limit(world):
    client = world.client_for("inspector")
    upload(client, world, return_csv(20))
    response = draw(client, world, 21, 1)
    assert (
        "Enter a sample size from 1 to 20, the children in the return" in response.content.decode()
    )
    assert not Sample.objects.exists()


def test_the_inspection_page_links_to_the_records_reading_for_the_inspection_team_only(world):
    url = reverse("inspections:detail", args=["home", world.home.inspection.pk])
    link = reverse("records:reading", args=["home", world.home.inspection.pk])
    for who in ("inspector", "admin"):
        assert link in world.client_for(who).get(url).content.decode()
    for who in ("lead", "editor", "contributor", "viewer"):
        assert link not in world.client_for(who).get(url).content.decode()


def test_the_partnerships_own_members_are_refused_and_an_outsider_is_told_nothing(world):
    client = world.client_for("inspector")
    upload(client, world, return_csv(20))
    draw(client, world, 5, 1)
    sample = Sample.objects.get()
    urls = [
        reverse("records:reading", args=["home", world.home.inspection.pk]),
        reverse("records:sample", args=["home", sample.pk]),
        reverse("records:purposive", args=["home", sample.pk]),
    ]
    for url in urls:
        for who in ("lead", "editor", "contributor", "viewer"):
            assert world.client_for(who).get(url).status_code == 403, (who, url)
        assert world.client_for("outsider").get(url).status_code == 404
        # Under another partnership's name, the sample is not found either.
        away = url.replace("/p/home/", "/p/away/")
        assert world.client_for("outsider").get(away).status_code == 404


def test_the_lead_cannot_upload_or_draw_even_by_posting(world):
    lead = world.client_for("lead")
    assert upload(lead, world, return_csv(20)).status_code == 403
    assert draw(lead, world, 5, 1).status_code == 403
    assert not RecordsReturn.objects.exists()


def test_a_draw_from_a_page_opened_before_another_draw_replaces_nothing(world):
    first, second = world.client_for("inspector"), world.client_for("admin")
    upload(first, world, return_csv(40))
    url = reverse("records:draw", args=["home", world.home.inspection.pk])
    # Both open the draw page while no sample is drawn; the first draws.
    opened = {"replaces": 0}
    assert first.post(url, {"size": 20, "seed": 7, **opened, **key(first)}).status_code == 302
    late = second.post(url, {"size": 30, "seed": 8, **opened, **key(second)})
    assert late.status_code == 200
    assert "Someone drew a sample or uploaded a return since you opened this page" in (
        late.content.decode()
    )
    assert list(Sample.objects.values_list("size", flat=True)) == [20]
    # Opened again, the page says what drawing would replace, and the draw goes ahead.
    page = second.get(url).content.decode()
    assert "Drawing replaces Sample 1 (20 records, drawn on" in page
    in_use = Sample.objects.get().pk
    again = {"size": 30, "seed": 8, "replaces": in_use, **key(second)}
    assert second.post(url, again).status_code == 302
    assert sorted(Sample.objects.values_list("size", flat=True)) == [20, 30]


def test_a_reason_that_looks_like_a_childs_identifier_is_refused(world):
    client = world.client_for("inspector")
    upload(client, world, return_csv(20))
    draw(client, world, 10, 3)
    url = reverse("records:purposive", args=["home", Sample.objects.get().pk])
    for reason, found in [
        ("Born 12/03/2012, referred twice", "a date (a date of birth?)"),
        ("Lives at KA7 1AA", "a postcode"),
        ("CHI 120312 1234 on the referral", "a CHI number"),
    ]:
        refused = client.post(url, {"record_key": "SA-0003", "reason": reason, **key(client)})
        assert f"The reason holds what looks like {found}" in refused.content.decode()
    assert not SampledRecord.objects.filter(purposive=True).exists()


def test_a_file_name_that_may_name_a_child_is_not_kept(world):
    client = world.client_for("inspector")
    upload(client, world, return_csv(20), name="Jamie Kerr 04-03-2012.csv")
    upload(
        client, world, return_csv(20), name="South Ayrshire return v3.xlsx".replace("xlsx", "csv")
    )
    names = list(RecordsReturn.objects.order_by("id").values_list("filename", flat=True))
    assert names == ["pre-inspection return.csv", "South Ayrshire return v3.csv"]

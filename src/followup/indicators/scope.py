"""Whose figures a reader sees: the one place values, releases and data elements are scoped.

Official statistics (a release or a data element with no partnership) are everyone's. A
partnership's own releases and data elements are its alone: no page, download, preview, rule,
report or export read for another partnership ever includes them. The reader is the partnership
whose pages, report or file are being made (``None``: official statistics only, as the
command line's export without ``--partnership``).

Every read of values, releases and revisions starts here. ``tests/indicators/test_tenancy.py``
fails if another module reads ``DataValue`` or ``Release`` rows directly.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from followup.indicators.models import DataElement, DataValue, Release
from followup.partnerships.models import Partnership

Reader = Partnership | int | None


def reader_id(reader: Reader) -> int | None:
    """The reader's partnership id (``None`` for official statistics only)."""
    return reader.pk if isinstance(reader, Partnership) else reader


def _owned(reader: Reader, prefix: str = "") -> Q:
    """Rows with no partnership (official), or the reader's own."""
    scope = Q(**{f"{prefix}partnership__isnull": True})
    pk = reader_id(reader)
    if pk is not None:
        scope |= Q(**{f"{prefix}partnership_id": pk})
    return scope


def visible_releases(reader: Reader) -> QuerySet[Release]:
    """Official releases and the reader's own."""
    return Release.objects.filter(_owned(reader))


def visible_elements(reader: Reader) -> QuerySet[DataElement]:
    """Official data elements and the reader's own."""
    return DataElement.objects.filter(_owned(reader))


def visible_values(reader: Reader) -> QuerySet[DataValue]:
    """Values of a visible data element from a visible release: the only values a reader sees.

    A value another partnership imported (even of an official data element, for any area) is
    never among them.
    """
    return DataValue.objects.filter(_owned(reader, "release__"), _owned(reader, "element__"))


def visible_values_by_id(reader: Reader, *, derived: bool = True) -> QuerySet[DataValue]:
    """``visible_values``, for reading page by page in id order (``derived=False``: derived
    data elements left out). The same rows, scoped differently: the visible releases and data
    elements are asked for as lists of ids, matched against the value's ids through an
    expression (``+ 0``) that no index serves. Scoped by joins, SQLite reads the values release
    by release through their index and sorts all of them for every page; scoped so, it walks
    the table in id order and stops at the page's end, so the last page of a million values
    costs what the first does."""
    elements = visible_elements(reader)
    if not derived:
        elements = elements.filter(formula="")
    return DataValue.objects.annotate(
        release_ref=F("release_id") + 0, element_ref=F("element_id") + 0
    ).filter(
        release_ref__in=visible_releases(reader).values("pk"),
        element_ref__in=elements.values("pk"),
    )


def elements_by_code(reader: Reader) -> dict[str, DataElement]:
    """The data elements a file or an expression of the reader may name, by code. A partnership's
    own data element shadows an official one with the same code."""
    found: dict[str, DataElement] = {}
    for element in visible_elements(reader).order_by("code", "partnership_id"):
        if element.code not in found or element.partnership_id is not None:
            found[element.code] = element
    return found


def releases_used(reader: Reader, element_ids: set[int], area_ids: set[int]) -> QuerySet[Release]:
    """The visible releases that hold values of these data elements for these areas."""
    used = (
        visible_values(reader)
        .filter(element_id__in=element_ids, area_id__in=area_ids)
        .values_list("release_id", flat=True)
        .distinct()
    )
    return visible_releases(reader).filter(pk__in=used)


def own_releases(writer: Reader) -> QuerySet[Release]:
    """The releases a writer imports into: the partnership's own, or (``None``) official ones."""
    pk = reader_id(writer)
    if pk is None:
        return Release.objects.filter(partnership__isnull=True)
    return Release.objects.filter(partnership_id=pk)


def partnership_release_owners(names: set[str]) -> dict[str, list[str]]:
    """The partnerships whose own releases have these names, by name: an official release may
    not take a name a partnership's release has, or the two could not be told apart. Only the
    official-statistics path (the service's administrator) asks."""
    owners: dict[str, list[str]] = {}
    if not names:
        return owners
    rows = (
        Release.objects.filter(partnership__isnull=False, name__in=names)
        .order_by("partnership__name")
        .values_list("name", "partnership__name")
    )
    for name, owner in rows:
        owners.setdefault(name, []).append(owner)
    return owners


def release_name_clash(name: str, partnership_id: int | None) -> str:
    """Why a release of this name cannot belong to this owner (``None``: official), or "": a
    partnership's own release never takes an official release's name, nor the converse, so that
    pages, revisions and exported files can tell the two apart."""
    if partnership_id is not None:
        if own_releases(None).filter(name=name).exists():
            return (
                "An official release has this name: a partnership's own release needs a name of "
                "its own, so that its figures can be told from the official ones"
            )
        return ""
    owners = partnership_release_owners({name}).get(name)
    if owners:
        return (
            f"A release of {', '.join(owners)} has this name: an official release needs a name "
            "no partnership's own release has, so that the two can be told apart"
        )
    return ""

"""Writes: loading definitions, recording item inputs, importing official results, bulk recomputation.

Every write that makes a result goes through `_new_version`, which takes a per-dusun-and-year advisory
lock, retires the current version and stores the next one with all its items: nothing is overwritten and
two people saving at once cannot produce two "current" versions. Inputs are checked completely before
anything is written, and each public function runs in one transaction (all or nothing).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from math import lcm
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dusun.wilayah.models import Jenis, Level, Wilayah

from . import derivations, engine
from .definition_file import DefinitionData
from .models import (
    Component,
    Dimension,
    IndexDefinition,
    Item,
    Provenance,
    Result,
    ResultItem,
    ScoreBand,
    Series,
    StatusBand,
    Variable,
)
from .official import OfficialFileError, ParsedOfficial, load_json, parse
from .selectors import current_result, definition_for_year, spec_of

MIN_YEAR = 2015


class InputError(ValueError):
    """Bad input: every problem listed, in Bahasa Indonesia, nothing written."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class StaleVersionError(InputError):
    """Someone saved a newer version since the form was opened."""


# --- Definitions ---------------------------------------------------------------------------------------------


@dataclass
class DefinitionReport:
    code: str
    action: str  # "baru", "diperbarui", "tidak berubah"


@transaction.atomic
def load_definition(data: DefinitionData) -> DefinitionReport:
    """Create or refresh a definition from its checked file; idempotent.

    Texts (band descriptions, activities, names) may be corrected under the same code. What results
    depend on (items, maxima, thresholds, aggregation) may not change once results exist: such a change
    is a new definition with a new code, so old results keep the rules they were computed with.
    """
    existing = IndexDefinition.objects.select_for_update().filter(code=data.code).first()
    if existing is not None and existing.digest == data.digest:
        return DefinitionReport(data.code, "tidak berubah")
    if existing is not None and _signature(existing) != data.signature():
        used = Result.objects.filter(definition=existing).count()
        if used:
            raise InputError(
                [
                    _(
                        "Definisi %(code)s sudah dipakai oleh %(n)s hasil, tetapi berkasnya mengubah indikator, "
                        "batas status atau cara agregasi. Simpan perubahan itu sebagai definisi baru dengan kode lain."
                    )
                    % {"code": data.code, "n": used}
                ]
            )
        existing.delete()
        existing = None

    values = {
        "abbreviation": data.abbreviation,
        "name": data.name,
        "version_label": data.version_label,
        "legal_basis": data.legal_basis,
        "description": data.description,
        "first_year": data.first_year,
        "last_year": data.last_year,
        "aggregation": data.aggregation,
        "min_score": data.min_score,
        "max_score": data.max_score,
        "digest": data.digest,
    }
    action = "diperbarui" if existing else "baru"
    definition, _created = IndexDefinition.objects.update_or_create(code=data.code, defaults=values)

    order = 0
    for c_order, comp_data in enumerate(data.components, start=1):
        component, _c = Component.objects.update_or_create(
            definition=definition,
            code=comp_data.code,
            defaults={
                "name": comp_data.name,
                "order": c_order,
                "item_count": len(comp_data.items),
                "max_total": len(comp_data.items) * data.max_score,
            },
        )
        dimensions: dict[str, Dimension] = {}
        variables: dict[tuple[str, str], Variable] = {}
        for item_data in comp_data.items:
            if item_data.dimension not in dimensions:
                dimensions[item_data.dimension], _d = Dimension.objects.update_or_create(
                    component=component, order=len(dimensions) + 1, defaults={"name": item_data.dimension}
                )
            dimension = dimensions[item_data.dimension]
            key = (item_data.dimension, item_data.variable)
            if key not in variables:
                count = sum(1 for k in variables if k[0] == item_data.dimension)
                variables[key], _v = Variable.objects.update_or_create(
                    dimension=dimension, order=count + 1, defaults={"name": item_data.variable}
                )
            order += 1
            item, _i = Item.objects.update_or_create(
                definition=definition,
                code=item_data.code,
                defaults={
                    "component": component,
                    "variable": variables[key],
                    "number": item_data.number,
                    "order": order,
                    "official_label": item_data.official_label,
                    "name": item_data.name,
                    "question": item_data.question,
                    "bands_complete": item_data.bands_complete,
                    "actors": item_data.actors,
                },
            )
            item.bands.exclude(score__in=[b.score for b in item_data.bands]).delete()
            for band in item_data.bands:
                ScoreBand.objects.update_or_create(
                    item=item,
                    score=band.score,
                    defaults={"text": band.text, "verified": band.verified, "activity": band.activity},
                )
        Dimension.objects.filter(component=component, order__gt=len(dimensions)).delete()
    for s_order, status in enumerate(data.statuses, start=1):
        StatusBand.objects.update_or_create(
            definition=definition,
            code=status.code,
            defaults={
                "name": status.name,
                "order": s_order,
                "upper_bound": status.upper_bound,
                "entry_score": status.entry_score,
                "colour": status.colour,
            },
        )
    return DefinitionReport(data.code, action)


def _signature(definition: IndexDefinition) -> tuple:
    components = []
    for comp in definition.components.order_by("order"):
        components.append((comp.code, tuple(comp.items.order_by("number").values_list("code", flat=True))))
    return (
        definition.aggregation,
        definition.min_score,
        definition.max_score,
        tuple(components),
        tuple(definition.statuses.order_by("order").values_list("code", "upper_bound", "entry_score")),
    )


# --- Versions -------------------------------------------------------------------------------------------------


@dataclass
class ItemState:
    score: int
    provenance: str
    note: str = ""
    activity: str = ""
    entered_by_id: int | None = None
    entered_at: dt.datetime | None = None

    def same_input(self, other: "ItemState | None") -> bool:
        return other is not None and (self.score, self.provenance, self.note) == (
            other.score,
            other.provenance,
            other.note,
        )


def _lock(dusun: Wilayah, year: int) -> None:
    """Serialise writers of one dusun and year (released when the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"indeks:{dusun.pk}:{year}"])


def _states(result: Result | None) -> dict[str, ItemState]:
    if result is None:
        return {}
    return {
        ri.item.code: ItemState(
            score=ri.score,
            provenance=ri.provenance,
            note=ri.note,
            activity=ri.activity,
            entered_by_id=ri.entered_by_id,
            entered_at=ri.entered_at,
        )
        for ri in result.items.all()
    }


def _computed_fields(spec: engine.DefinitionSpec, states: dict[str, ItemState]) -> dict:
    computation = engine.compute(spec, {code: s.score for code, s in states.items()})
    components = {
        c.code: {
            "sum": computation.sums[c.code],
            "max": c.max_total,
            "value": float(v) if (v := computation.component_values[c.code]) is not None else None,
        }
        for c in spec.components
    }
    return {
        "is_complete": computation.complete,
        "filled_count": len(states),
        "components": components,
        "value": engine.to_decimal(computation.value),
        "status": computation.status.code if computation.status else "",
        "target_status": computation.target.code if computation.target else "",
        "minimum_score": computation.minimum_score,
        "gap": engine.to_decimal(computation.gap),
    }


def _new_version(
    definition: IndexDefinition,
    dusun: Wilayah,
    year: int,
    series: str,
    states: dict[str, ItemState],
    *,
    fields: dict,
    source: str,
    user,
) -> Result:
    """Retire the current version (if any) and store the next one with all its items."""
    Result.objects.filter(definition=definition, dusun=dusun, year=year, series=series, is_current=True).update(
        is_current=False
    )
    last = Result.objects.filter(definition=definition, dusun=dusun, year=year, series=series).aggregate(
        v=Max("version")
    )["v"]
    result = Result.objects.create(
        definition=definition,
        dusun=dusun,
        year=year,
        series=series,
        version=(last or 0) + 1,
        is_current=True,
        source=source[:300],
        created_by=user if getattr(user, "is_authenticated", False) else None,
        **fields,
    )
    items = {i.code: i for i in definition.items.all()}
    ResultItem.objects.bulk_create(
        ResultItem(
            result=result,
            item=items[code],
            score=state.score,
            provenance=state.provenance,
            note=state.note[:600],
            activity=state.activity[:600],
            entered_by_id=state.entered_by_id,
            entered_at=state.entered_at,
        )
        for code, state in states.items()
    )
    return result


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not MIN_YEAR <= year <= this_year + 1:
        message = _("Tahun %(year)s di luar rentang %(a)s–%(b)s.")
        raise InputError([message % {"year": year, "a": MIN_YEAR, "b": this_year + 1}])


def _check_village(dusun: Wilayah) -> None:
    if dusun.level != Level.DESA or dusun.jenis != Jenis.DESA:
        message = _("%(label)s %(nama)s bukan desa; IDM hanya dihitung untuk desa.")
        raise InputError([message % {"label": dusun.label, "nama": dusun.nama}])


def _definition(year: int) -> IndexDefinition:
    definition = definition_for_year(year)
    if definition is None:
        raise InputError(
            [_("Belum ada definisi indeks untuk tahun %(year)s. Jalankan `manage.py load_idm`.") % {"year": year}]
        )
    return definition


# --- Entered inputs -------------------------------------------------------------------------------------------


@transaction.atomic
def save_entries(
    dusun: Wilayah,
    year: int,
    entries: dict[str, int | None],
    *,
    user,
    base_version: int | None = None,
) -> Result | None:
    """Record hand-entered item scores; `None` clears an item (it becomes missing).

    Items whose score is unchanged keep their provenance. Returns the new computed version, or the
    current one when nothing changed. `base_version` is the version the form was opened on: if someone
    saved since, nothing is written and the operator is asked to reload (no silent overwrite).
    """
    _check_year(year)
    _check_village(dusun)
    definition = _definition(year)
    spec = spec_of(definition)
    problems = []
    for code, score in entries.items():
        if code not in spec.item_by_code:
            message = _("Kode indikator '%(code)s' tidak dikenal dalam definisi %(d)s.")
            problems.append(message % {"code": code, "d": spec.code})
        elif score is not None:
            try:
                engine.check_scores(spec, {code: score})
            except engine.ScoreError as exc:
                problems.append(str(exc))
    if problems:
        raise InputError(problems)

    _lock(dusun, year)
    current = current_result(dusun, year, Series.COMPUTED, definition)
    if base_version is not None and (current.version if current else 0) != base_version:
        raise StaleVersionError(
            [
                _(
                    "Data %(nama)s tahun %(year)s sudah diubah (versi %(v)s) sejak formulir dibuka. "
                    "Muat ulang halaman, periksa, lalu simpan lagi."
                )
                % {"nama": dusun.nama, "year": year, "v": current.version if current else 0}
            ]
        )
    states = _states(current)
    now = timezone.now()
    bands = {
        (b.item.code, b.score): b.text
        for b in ScoreBand.objects.filter(item__definition=definition).select_related("item")
    }
    changed = False
    for code, score in entries.items():
        old = states.get(code)
        if score is None:
            if old is not None:
                del states[code]
                changed = True
            continue
        if old is not None and old.score == score:
            continue
        note = bands.get((code, score), "")
        states[code] = ItemState(
            score=score, provenance=Provenance.ENTERED, note=note, entered_by_id=user.pk, entered_at=now
        )
        changed = True
    if not changed and current is not None:
        return current
    if not changed:
        return None
    return _new_version(
        definition,
        dusun,
        year,
        Series.COMPUTED,
        states,
        fields=_computed_fields(spec, states),
        source=_("Isian operator"),
        user=user,
    )


# --- Derived inputs -------------------------------------------------------------------------------------------


@dataclass
class DeriveReport:
    result: Result | None
    applied: dict[str, derivations.Derivation] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # item → why the derived score was not applied
    unsettled: dict[str, derivations.Derivation] = field(default_factory=dict)


@transaction.atomic
def derive_inputs(dusun: Wilayah, year: int, *, user) -> DeriveReport:
    """Fill items from platform data where a rule settles the score.

    A derived score fills a missing item or refreshes an earlier derived one; it never replaces what an
    operator entered or what came from the official result (the form shows the suggestion beside them).
    """
    _check_year(year)
    _check_village(dusun)
    definition = _definition(year)
    spec = spec_of(definition)
    _lock(dusun, year)
    current = current_result(dusun, year, Series.COMPUTED, definition)
    states = _states(current)
    report = DeriveReport(result=current)
    now = timezone.now()
    for code, derivation in derivations.derive_all(definition.code, dusun, year).items():
        if derivation.score is None:
            report.unsettled[code] = derivation
            continue
        old = states.get(code)
        if old is not None and old.provenance != Provenance.DERIVED:
            report.kept[code] = str(Provenance(old.provenance).label)
            continue
        new = ItemState(
            score=derivation.score,
            provenance=Provenance.DERIVED,
            note=str(derivation.evidence),
            entered_by_id=user.pk,
            entered_at=now,
        )
        if new.same_input(old):
            continue
        states[code] = new
        report.applied[code] = derivation
    if report.applied:
        report.result = _new_version(
            definition,
            dusun,
            year,
            Series.COMPUTED,
            states,
            fields=_computed_fields(spec, states),
            source=_("Diturunkan dari data platform"),
            user=user,
        )
    return report


# --- Official results ------------------------------------------------------------------------------------------


@dataclass
class OfficialImport:
    parsed: ParsedOfficial
    dusun: Wilayah
    official: Result
    created: bool  # False: the same content was already the current official version
    computed: Result | None = None
    computed_changed: bool = False


def read_official(raw: bytes, filename: str, *, expected_kode: str | None = None, expected_year: int | None = None):
    """Parse and check one file against the definition of its year and the known villages.

    Returns (parsed, dusun, definition) or raises OfficialFileError with every problem found.
    """
    data = load_json(raw, filename)
    map_data = data.get("mapData")
    summaries = map_data.get("SUMMARIES") if isinstance(map_data, dict) else None
    year = summaries.get("TAHUN") if isinstance(summaries, dict) else None
    definition = definition_for_year(year) if isinstance(year, int) and not isinstance(year, bool) else None
    if definition is None:
        definition = IndexDefinition.objects.order_by("-first_year").first()
    if definition is None:
        raise OfficialFileError([_("Belum ada definisi indeks. Jalankan `manage.py load_idm` lebih dulu.")])
    parsed = parse(data, spec_of(definition), filename)
    problems = []
    if expected_kode and parsed.kode != expected_kode:
        problems.append(
            _("%(f)s: IDENTITAS.id_desa menunjuk %(k)s, padahal berkas ini untuk %(e)s.")
            % {"f": filename, "k": parsed.kode, "e": expected_kode}
        )
    if expected_year and parsed.year != expected_year:
        problems.append(
            _("%(f)s: SUMMARIES.TAHUN %(y)s, padahal berkas ini untuk tahun %(e)s.")
            % {"f": filename, "y": parsed.year, "e": expected_year}
        )
    dusun = Wilayah.objects.filter(kode=parsed.kode).first()
    if dusun is None:
        problems.append(
            _(
                "%(f)s: kode desa %(k)s (%(n)s, %(kab)s) tidak dikenal di Dusun Online. Periksa kodenya: Kemendesa "
                "memakai kode Kemendagri (Bungo = 15.08), bukan kode BPS."
            )
            % {
                "f": filename,
                "k": parsed.kode,
                "n": parsed.identity.get("nama_desa") or "?",
                "kab": parsed.identity.get("nama_kab_kota") or "?",
            }
        )
    elif dusun.level != Level.DESA or dusun.jenis != Jenis.DESA:
        problems.append(
            _("%(f)s: %(k)s adalah %(label)s %(n)s, bukan desa; IDM hanya untuk desa.")
            % {"f": filename, "k": parsed.kode, "label": dusun.label, "n": dusun.nama}
        )
    if problems:
        raise OfficialFileError(problems)
    year_definition = definition_for_year(parsed.year)
    if year_definition is None or year_definition.pk != definition.pk:
        message = _("%(f)s: tidak ada definisi IDM untuk tahun %(y)s.")
        raise OfficialFileError([message % {"f": filename, "y": parsed.year}])
    name = (parsed.identity.get("nama_desa") or "").strip()
    if name and _plain(name) != _plain(dusun.nama):
        parsed.warnings.append(
            _("Nama desa di berkas (%(a)s) berbeda dengan nama di Dusun Online (%(b)s) untuk kode %(k)s.")
            % {"a": name, "b": dusun.nama, "k": dusun.kode}
        )
    return parsed, dusun, definition


def _plain(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _consistency_warnings(spec: engine.DefinitionSpec, parsed: ParsedOfficial) -> list[str]:
    """Does the published total follow from the published item scores? (It does for every known file.)"""
    computation = engine.compute(spec, {code: item.score for code, item in parsed.items.items()})
    reported = parsed.reported
    warnings = []
    for comp in spec.components:
        published = reported["komponen"].get(comp.code)
        value = computation.component_values[comp.code]
        if published is not None and abs(float(value) - published) >= 5e-7:
            message = _(
                "%(c)s dilaporkan %(p).6f (≈ %(ps)s/%(m)s), padahal jumlah skor indikatornya %(s)s/%(m)s = %(v).6f."
            )
            warnings.append(
                message
                % {
                    "c": comp.code,
                    "p": published,
                    "ps": round(published * comp.max_total, 2),
                    "s": computation.sums[comp.code],
                    "m": comp.max_total,
                    "v": float(value),
                }
            )
    if abs(float(computation.value) - reported["SKOR_SAAT_INI"]) >= 5e-7:
        message = _("IDM dilaporkan %(p).6f, dihitung dari skor indikator %(v).6f.")
        warnings.append(message % {"p": reported["SKOR_SAAT_INI"], "v": float(computation.value)})
    for label, ours, theirs in (
        ("STATUS", computation.status.code, reported["STATUS"]),
        ("TARGET_STATUS", computation.target.code, reported["TARGET_STATUS"]),
        ("SKOR_MINIMAL", str(computation.minimum_score), reported["SKOR_MINIMAL"]),
    ):
        if str(ours) != str(theirs):
            warnings.append(_("%(l)s dilaporkan %(t)s, dihitung %(o)s.") % {"l": label, "t": theirs, "o": ours})
    return warnings


def _store_official(parsed: ParsedOfficial, dusun: Wilayah, definition: IndexDefinition, *, user, source: str):
    spec = spec_of(definition)
    _lock(dusun, parsed.year)
    current = Result.objects.filter(
        definition=definition, dusun=dusun, year=parsed.year, series=Series.OFFICIAL, is_current=True
    ).first()
    if current is not None and current.payload_digest == parsed.digest:
        official, created = current, False
    else:
        now = timezone.now()
        states = {
            code: ItemState(
                score=item.score,
                provenance=Provenance.IMPORTED,
                note=item.note,
                activity=item.activity,
                entered_by_id=getattr(user, "pk", None),
                entered_at=now,
            )
            for code, item in parsed.items.items()
        }
        reported = parsed.reported
        sums = {c.code: sum(parsed.items[i].score for i in c.item_codes) for c in spec.components}
        fields = {
            "is_complete": True,
            "filled_count": len(states),
            "components": {
                c.code: {"sum": sums[c.code], "max": c.max_total, "value": reported["komponen"][c.code]}
                for c in spec.components
            },
            "value": Decimal(repr(float(reported["SKOR_SAAT_INI"]))).quantize(Decimal("1e-17")),
            "status": reported["STATUS"],
            "target_status": reported["TARGET_STATUS"],
            "minimum_score": Decimal(reported["SKOR_MINIMAL"]),
            "gap": Decimal(repr(float(reported["PENAMBAHAN"]))).quantize(Decimal("1e-17")),
            "reported": {**reported, "IDENTITAS": parsed.identity, "berkas": parsed.filename},
            "payload": parsed.payload,
            "payload_digest": parsed.digest,
            "warnings": parsed.warnings + _consistency_warnings(spec, parsed),
        }
        official = _new_version(
            definition, dusun, parsed.year, Series.OFFICIAL, states, fields=fields, source=source, user=user
        )
        created = True
    report = OfficialImport(parsed=parsed, dusun=dusun, official=official, created=created)

    # The computed series takes the official score for every item the village has not given itself
    # (missing, or imported from an earlier official version); entered and derived inputs stay.
    computed = current_result(dusun, parsed.year, Series.COMPUTED, definition)
    states = _states(computed)
    changed = False
    now = timezone.now()
    note_prefix = _("Skor resmi Kemendesa %(y)s (versi %(v)s)") % {"y": parsed.year, "v": official.version}
    for code, item in parsed.items.items():
        old = states.get(code)
        if old is not None and old.provenance != Provenance.IMPORTED:
            continue
        new = ItemState(
            score=item.score,
            provenance=Provenance.IMPORTED,
            note=f"{note_prefix}: {item.note}" if item.note else note_prefix,
            entered_by_id=getattr(user, "pk", None),
            entered_at=now,
        )
        if old is not None and old.score == new.score:
            continue
        states[code] = new
        changed = True
    if changed:
        report.computed = _new_version(
            definition,
            dusun,
            parsed.year,
            Series.COMPUTED,
            states,
            fields=_computed_fields(spec, states),
            source=_("Skor resmi diimpor (%(f)s)") % {"f": parsed.filename},
            user=user,
        )
        report.computed_changed = True
    else:
        report.computed = computed
    return report


@transaction.atomic
def import_official_files(
    files: list[tuple[str, bytes]], *, user=None, source: str = "", expected: dict[str, tuple[str, int]] | None = None
) -> list[OfficialImport]:
    """Import official rumusan files all-or-nothing: every file is checked before any is written.

    `files` are (name, content) pairs; `expected` may pin a file name to the (kode, year) its location
    claims (the shipped `raw/<kode>/<year>.json` layout), which the content must agree with.
    """
    problems: list[str] = []
    checked = []
    seen: dict[tuple[str, int], str] = {}
    for name, raw in files:
        pin = (expected or {}).get(name)
        try:
            parsed, dusun, definition = read_official(
                raw, name, expected_kode=pin[0] if pin else None, expected_year=pin[1] if pin else None
            )
        except OfficialFileError as exc:
            problems += exc.problems
            continue
        key = (parsed.kode, parsed.year)
        if key in seen:
            problems.append(
                _("%(f)s: berisi %(k)s tahun %(y)s yang sama dengan %(g)s; unggah satu berkas per desa dan tahun.")
                % {"f": name, "k": parsed.kode, "y": parsed.year, "g": seen[key]}
            )
            continue
        seen[key] = name
        checked.append((parsed, dusun, definition))
    if problems:
        raise InputError(problems)
    if not checked:
        raise InputError([_("Tidak ada berkas yang diunggah.")])
    return [
        _store_official(
            parsed, dusun, definition, user=user, source=source or _("Impor berkas %(f)s") % {"f": parsed.filename}
        )
        for parsed, dusun, definition in checked
    ]


def shipped_official_files(root: Path) -> tuple[list[tuple[str, bytes]], dict[str, tuple[str, int]]]:
    """The files under `root/<kode tanpa titik>/<tahun>.json`, each pinned to the code and year of its path."""
    files, expected = [], {}
    for path in sorted(root.glob("*/*.json")):
        name = f"{path.parent.name}/{path.name}"
        files.append((name, path.read_bytes()))
        if path.parent.name.isdigit() and len(path.parent.name) == 10 and path.stem.isdigit():
            code = path.parent.name
            expected[name] = (f"{code[0:2]}.{code[2:4]}.{code[4:6]}.{code[6:10]}", int(path.stem))
    return files, expected


# --- Bulk recomputation ------------------------------------------------------------------------------------------


def recompute_sql(definition: IndexDefinition, year: int) -> tuple[str, dict]:
    """One UPDATE that recomputes every current computed result of a year from its item rows.

    All decisions are made on integers: with L = lcm of the component maxima and k components, the index
    is N / (L·k) where N = Σ sum_c · (L / max_c), and "index ≤ bound" is tested as
    N · 10⁴ ≤ (bound · 10⁴) · L · k (bounds have 4 decimals). The status therefore comes from the exact
    value, as in the engine; the stored decimals are rounded from a 30-decimal quotient. Only integers
    taken from the definition are written into the SQL text; every string and decimal is a parameter.
    """
    if definition.aggregation != "rerata-komponen":
        raise NotImplementedError(definition.aggregation)
    components = list(definition.components.order_by("order"))
    statuses = list(definition.statuses.order_by("order"))
    params: dict = {"definition": definition.pk, "year": year, "series": Series.COMPUTED}
    for i, status in enumerate(statuses):
        target = statuses[i + 1] if i + 1 < len(statuses) else status
        params |= {f"st{i}": status.code, f"tg{i}": target.code, f"min{i}": target.entry_score}
    big_l = lcm(*(c.max_total for c in components))
    den = int(big_l * len(components))
    num = " + ".join(f"COALESCE(s_{int(c.pk)}, 0) * {int(big_l // c.max_total)}" for c in components)
    complete = " AND ".join(f"n_{int(c.pk)} = {int(c.item_count)}" for c in components)
    whens = " ".join(
        f"WHEN ({num}) * 10000 <= {int(s.upper_bound * 10000)} * {den} THEN %(st{i})s"
        for i, s in enumerate(statuses)
        if s.upper_bound is not None
    )
    status_case = f"CASE {whens} ELSE %(st{len(statuses) - 1})s END"
    target_case = "CASE st.status " + " ".join(f"WHEN %(st{i})s THEN %(tg{i})s" for i in range(len(statuses))) + " END"
    minimum_case = (
        "CASE st.status " + " ".join(f"WHEN %(st{i})s THEN %(min{i})s::numeric" for i in range(len(statuses))) + " END"
    )
    per_component = ", ".join(
        f"SUM(ri.score) FILTER (WHERE i.component_id = {int(c.pk)}) AS s_{int(c.pk)}, "
        f"COUNT(*) FILTER (WHERE i.component_id = {int(c.pk)}) AS n_{int(c.pk)}"
        for c in components
    )
    json_parts = []
    for c in components:
        params[f"cc{c.pk}"] = c.code
        full = f"st.n_{int(c.pk)} = {int(c.item_count)}"
        json_parts.append(
            f"%(cc{c.pk})s::text, jsonb_build_object('sum', CASE WHEN {full} THEN st.s_{int(c.pk)} END, "
            f"'max', {int(c.max_total)}, "
            f"'value', CASE WHEN {full} THEN st.s_{int(c.pk)}::float8 / {int(c.max_total)} END)"
        )
    components_json = "jsonb_build_object(" + ", ".join(json_parts) + ")"
    quotient = f"(st.num::numeric(50, 30) / {den})"
    sql = f"""
        WITH s AS (
            SELECT ri.result_id, COUNT(*) AS filled, {per_component}
            FROM indeks_resultitem ri
            JOIN indeks_item i ON i.id = ri.item_id
            JOIN indeks_result r ON r.id = ri.result_id
            WHERE r.definition_id = %(definition)s AND r.year = %(year)s AND r.series = %(series)s
              AND r.is_current
            GROUP BY ri.result_id
        ), st AS (
            SELECT s.*, ({complete}) AS complete, ({num}) AS num,
                   CASE WHEN {complete} THEN {status_case} END AS status
            FROM s
        )
        UPDATE indeks_result r SET
            filled_count = st.filled,
            is_complete = st.complete,
            components = {components_json},
            value = CASE WHEN st.complete THEN round({quotient}, 17) END,
            status = COALESCE(st.status, ''),
            target_status = COALESCE({target_case}, ''),
            minimum_score = {minimum_case},
            gap = CASE WHEN st.complete THEN round({minimum_case} - {quotient}, 17) END
        FROM st WHERE r.id = st.result_id
    """  # noqa: S608 (only integers are interpolated; strings and decimals are parameters)
    return sql, params


@transaction.atomic
def recompute_year(definition: IndexDefinition, year: int) -> int:
    """Recompute, in one statement, the stored figures of every current computed result of a year.

    The figures are a pure function of the items and the definition, so this refreshes them in place
    (used after a definition text fix, and by the benchmark); inputs and versions are untouched.
    """
    with connection.cursor() as cursor:
        cursor.execute(*recompute_sql(definition, year))
        return cursor.rowcount

"""Land-cover legends as data: read the shipped CSV files, check them, and load them idempotently.

A legend folder has a `manifest.json` naming, per legend, its class table and optional companion tables
(colours, Indonesian names), and the crosswalks between legends. Every problem is collected and reported
with its file and line; nothing is written unless the whole folder is sound.
"""

import csv
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import ForestCategory, Legend, LegendClass, LegendMapping

DEFAULT_LEGENDS = Path(__file__).resolve().parent.parent / "data" / "landcover"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
TRUE_WORDS = {"true", "ya", "yes", "1"}


class LegendDataError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ClassRow:
    code: str
    name_id: str
    name_en: str
    colour: str
    forest_category: str
    natural_forest: bool
    carbon_tc_ha: Decimal | None
    sort_order: int


@dataclass
class LegendData:
    code: str
    name: str
    description: str
    source: str
    licence: str
    classes: dict[str, ClassRow] = field(default_factory=dict)


@dataclass
class MappingRow:
    source_legend: str
    source_code: str
    target_legend: str
    target_code: str
    note: str


def _rows(path: Path, problems: list[str]) -> list[tuple[int, dict]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(enumerate(csv.DictReader(handle), start=2))
    except FileNotFoundError:
        problems.append(_("Berkas %(file)s tidak ditemukan.") % {"file": path.name})
        return []


def read_legends(folder: Path = DEFAULT_LEGENDS) -> tuple[list[LegendData], list[MappingRow]]:
    folder = Path(folder)
    problems: list[str] = []
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError) as exc:
        raise LegendDataError([_("manifest.json legenda tidak dapat dibaca: %(err)s") % {"err": exc}]) from None

    legends = [_read_legend(folder, spec, problems) for spec in manifest.get("legends", [])]
    by_code = {legend.code: legend for legend in legends}
    mappings = []
    for spec in manifest.get("mappings", []):
        for line, row in _rows(folder / spec["csv"], problems):
            where = f"{spec['csv']} baris {line}"
            source_code = (row.get(spec["from_column"]) or "").strip()
            target_code = (row.get(spec["to_column"]) or "").strip()
            for legend_code, code in ((spec["from"], source_code), (spec["to"], target_code)):
                legend = by_code.get(legend_code)
                if legend is None or code not in legend.classes:
                    problems.append(
                        _("%(where)s: kelas %(code)s tidak ada di legenda %(legend)s.")
                        % {"where": where, "code": code, "legend": legend_code}
                    )
            mappings.append(MappingRow(spec["from"], source_code, spec["to"], target_code, row.get("note", "").strip()))
    if problems:
        raise LegendDataError(problems)
    return legends, mappings


def _read_legend(folder: Path, spec: dict, problems: list[str]) -> LegendData:
    legend = LegendData(
        code=spec["code"],
        name=spec["name"],
        description=spec.get("description", ""),
        source=spec.get("source", ""),
        licence=spec.get("licence", ""),
    )
    code_column = spec.get("code_column", "code")
    colours = (
        {r["code"].strip(): r["colour"].strip() for _, r in _rows(folder / spec["colours_csv"], problems)}
        if spec.get("colours_csv")
        else {}
    )
    names = (
        {r["ID"].strip(): r for _, r in _rows(folder / spec["names_csv"], problems)} if spec.get("names_csv") else {}
    )

    for order, (line, row) in enumerate(_rows(folder / spec["classes_csv"], problems)):
        where = f"{spec['classes_csv']} baris {line}"
        code = (row.get(code_column) or "").strip()
        if not code:
            problems.append(_("%(where)s: kode kelas kosong.") % {"where": where})
            continue
        if code in legend.classes:
            problems.append(_("%(where)s: kode kelas %(code)s ganda.") % {"where": where, "code": code})
            continue
        extra = names.get(code, {})
        name_id = (extra.get("name_id") or row.get("name_id") or "").strip()
        name_en = (row.get("name_en") or row.get("LC") or "").strip()
        colour = (extra.get("colour") or colours.get(code) or row.get("color_palette") or "").strip()
        if not name_id:
            problems.append(_("%(where)s: kelas %(code)s belum punya nama Indonesia.") % {"where": where, "code": code})
        if not HEX_COLOUR.match(colour):
            problems.append(
                _("%(where)s: warna '%(colour)s' kelas %(code)s tidak sah (format #rrggbb).")
                % {"where": where, "colour": colour, "code": code}
            )
        category = (extra.get("forest_category") or row.get("klhk_category") or ForestCategory.NON_HUTAN).strip()
        if category not in ForestCategory.values:
            problems.append(_("%(where)s: kategori hutan '%(cat)s' tidak dikenal.") % {"where": where, "cat": category})
        carbon = None
        if (row.get("CARBON") or "").strip():
            try:
                carbon = Decimal(row["CARBON"].strip())
            except InvalidOperation:
                problems.append(_("%(where)s: stok karbon '%(v)s' bukan angka.") % {"where": where, "v": row["CARBON"]})
        legend.classes[code] = ClassRow(
            code=code,
            name_id=name_id,
            name_en=name_en,
            colour=colour.lower(),
            forest_category=category,
            natural_forest=(extra.get("natural_forest") or row.get("natural_forest") or "").strip().lower()
            in TRUE_WORDS,
            carbon_tc_ha=carbon,
            sort_order=order,
        )
    return legend


@dataclass
class LegendLoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def load_legends(legends: list[LegendData], mappings: list[MappingRow]) -> LegendLoadReport:
    """Create or update legends, classes and crosswalks; untouched rows are not written (idempotent)."""
    report = LegendLoadReport()
    classes: dict[tuple[str, str], LegendClass] = {}
    for data in legends:
        legend, _created = Legend.objects.update_or_create(
            code=data.code,
            defaults={
                "name": data.name,
                "description": data.description,
                "source": data.source,
                "licence": data.licence,
            },
        )
        existing = {c.code: c for c in legend.classes.all()}
        for row in data.classes.values():
            values = {
                k: getattr(row, k)
                for k in (
                    "name_id",
                    "name_en",
                    "colour",
                    "forest_category",
                    "natural_forest",
                    "carbon_tc_ha",
                    "sort_order",
                )
            }
            current = existing.get(row.code)
            if current is None:
                current = LegendClass.objects.create(legend=legend, code=row.code, **values)
                report.created += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.save()
                report.updated += 1
            else:
                report.unchanged += 1
            classes[(data.code, row.code)] = current
    for row in mappings:
        LegendMapping.objects.update_or_create(
            source_class=classes[(row.source_legend, row.source_code)],
            target_class=classes[(row.target_legend, row.target_code)],
            defaults={"note": row.note},
        )
    return report

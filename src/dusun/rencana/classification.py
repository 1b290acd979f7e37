"""Village spending classification (Permendagri 20/2018): the bidang are `ekonomi.SpendingField`, the
sub-bidang come from `dusun/data/rencana/subbidang.csv` (see SOURCES.md there)."""

import csv
from functools import cache
from pathlib import Path

from dusun.ekonomi.models import SpendingField

DATA = Path(__file__).resolve().parent.parent / "data" / "rencana" / "subbidang.csv"


@cache
def sub_bidang() -> dict[str, tuple[str, str]]:
    """{"2.3": ("2", "Pekerjaan umum dan penataan ruang"), …} in the regulation's order."""
    with DATA.open(encoding="utf-8") as fh:
        return {row["kode"]: (row["bidang"], row["nama"]) for row in csv.DictReader(fh)}


def sub_bidang_choices() -> list[tuple[str, str]]:
    bidang = dict(SpendingField.choices)
    return [(kode, f"{kode} {name} ({bidang[b]})") for kode, (b, name) in sub_bidang().items()]


def sub_bidang_name(kode: str) -> str:
    entry = sub_bidang().get(kode)
    return f"{kode} {entry[1]}" if entry else kode


def bidang_of(kode: str) -> str | None:
    entry = sub_bidang().get(kode)
    return entry[0] if entry else None


# --- sub-bidang → OPD -------------------------------------------------------------------------------------

OPD_DATA = DATA.parent / "opd.csv"
NO_OPD = ("LAINNYA", "OPD belum dipetakan")


@cache
def opd_defaults() -> dict[str, dict[str, str]]:
    """The shipped mapping: {"2.3": {"code": "PUPR", "name": "Dinas …", "note": "…"}, …}."""
    with OPD_DATA.open(encoding="utf-8") as fh:
        return {
            row["sub_bidang"]: {"code": row["opd_kode"], "name": row["opd_nama"], "note": row["catatan"] or ""}
            for row in csv.DictReader(fh)
        }


def load_opd(model) -> tuple[int, int, int]:
    """Load `opd.csv` into `model` (OpdMapping, or its historical version in a migration): create missing
    rows, refresh rows Bappeda has not edited, keep edited ones. Returns (created, updated, kept)."""
    created = updated = kept = 0
    existing = {row.sub_bidang: row for row in model.objects.all()}
    for kode, entry in opd_defaults().items():
        values = {"opd_code": entry["code"], "opd_name": entry["name"], "note": entry["note"][:300]}
        row = existing.get(kode)
        if row is None:
            model.objects.create(sub_bidang=kode, **values)
            created += 1
        elif row.edited:
            kept += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            model.objects.filter(pk=row.pk).update(**values)
            updated += 1
    return created, updated, kept


def opd_map() -> dict[str, tuple[str, str]]:
    """sub-bidang → (OPD code, OPD name): the admin-edited table, falling back to the shipped file for any
    sub-bidang without a row (e.g. before `load_opd` ran)."""
    from .models import OpdMapping

    out = {kode: (e["code"], e["name"]) for kode, e in opd_defaults().items()}
    out.update({s: (c, n) for s, c, n in OpdMapping.objects.values_list("sub_bidang", "opd_code", "opd_name")})
    return out


def opd_choices() -> list[tuple[str, str]]:
    """(code, name) of every OPD in the mapping, by name."""
    return sorted(set(opd_map().values()), key=lambda pair: pair[1])


def sub_bidang_of_opd(code: str) -> list[str]:
    return [kode for kode, (c, _name) in opd_map().items() if c == code]

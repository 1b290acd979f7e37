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

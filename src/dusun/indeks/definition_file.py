"""Reading and checking an index definition file (`src/dusun/data/idm/*.json`), before anything is written.

The file describes the whole index as data: components → dimensions → variables → items with their
score bands and recommended activities, the statuses with their inclusive upper bounds and the "skor
minimal" that Kemendesa reports for each target. Every problem is listed at once, in Bahasa Indonesia.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Aggregation

DEFAULT_DIR = settings.BASE_DIR / "data" / "idm"
DEFAULT_DEFINITIONS = [DEFAULT_DIR / "idm-2016.json"]
SUPPORTED_FORMAT = 1


class DefinitionFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class BandData:
    score: int
    text: str
    verified: bool
    activity: str


@dataclass
class ItemData:
    code: str
    number: int
    official_label: str
    name: str
    question: str
    bands_complete: bool
    actors: dict
    bands: list[BandData]
    dimension: str
    variable: str


@dataclass
class ComponentData:
    code: str
    name: str
    items: list[ItemData]


@dataclass
class StatusData:
    code: str
    name: str
    upper_bound: Decimal | None
    entry_score: Decimal | None
    colour: str


@dataclass
class DefinitionData:
    code: str
    abbreviation: str
    name: str
    version_label: str
    legal_basis: str
    description: str
    first_year: int
    last_year: int | None
    aggregation: str
    min_score: int
    max_score: int
    components: list[ComponentData]
    statuses: list[StatusData]
    digest: str

    def signature(self) -> tuple:
        """What results depend on; texts (bands, names, activities) may change under the same code."""
        return (
            self.aggregation,
            self.min_score,
            self.max_score,
            tuple((c.code, tuple(i.code for i in c.items)) for c in self.components),
            tuple((s.code, s.upper_bound, s.entry_score) for s in self.statuses),
        )


def _decimal(value, where: str, problems: list[str]) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        problems.append(_("%(where)s: '%(value)s' bukan angka desimal.") % {"where": where, "value": value})
        return None
    return number


def read_definition(path: Path) -> DefinitionData:
    name = path.name
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise DefinitionFileError([_("Berkas definisi %(path)s tidak ditemukan.") % {"path": path}]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DefinitionFileError(
            [_("%(name)s: bukan JSON UTF-8 yang sah (%(exc)s).") % {"name": name, "exc": exc}]
        ) from None
    problems: list[str] = []
    if data.get("format") != SUPPORTED_FORMAT:
        raise DefinitionFileError(
            [
                _("%(name)s: format %(found)s tidak didukung (harus %(supported)s).")
                % {"name": name, "found": data.get("format"), "supported": SUPPORTED_FORMAT}
            ]
        )
    for key in ("kode", "singkatan", "nama", "tahun_mulai", "agregasi", "skor_min", "skor_maks", "komponen", "status"):
        if key not in data:
            problems.append(_("%(name)s: kunci '%(key)s' tidak ada.") % {"name": name, "key": key})
    if problems:
        raise DefinitionFileError(problems)
    if data["agregasi"] not in Aggregation.values:
        problems.append(
            _("%(name)s: agregasi '%(found)s' tidak dikenal (%(known)s).")
            % {"name": name, "found": data["agregasi"], "known": ", ".join(Aggregation.values)}
        )
    low, high = data["skor_min"], data["skor_maks"]
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low < high):
        problems.append(
            _("%(name)s: rentang skor %(low)s–%(high)s tidak sah.") % {"name": name, "low": low, "high": high}
        )

    components: list[ComponentData] = []
    seen_codes: set[str] = set()
    for ci, comp in enumerate(data["komponen"]):
        items: list[ItemData] = []
        for dim in comp.get("dimensi", []):
            for var in dim.get("variabel", []):
                for raw_item in var.get("item", []):
                    code = raw_item.get("kode", "")
                    where = _("%(name)s, komponen %(component)s, indikator %(code)s") % {
                        "name": name,
                        "component": comp.get("kode"),
                        "code": code or "?",
                    }
                    if not code or code in seen_codes:
                        problems.append(_("%(where)s: kode indikator kosong atau ganda.") % {"where": where})
                    seen_codes.add(code)
                    bands = []
                    band_scores = set()
                    for band in raw_item.get("pita", []):
                        score = band.get("skor")
                        if not isinstance(score, int) or not low <= score <= high or score in band_scores:
                            problems.append(
                                _("%(where)s: pita skor '%(score)s' tidak sah atau ganda.")
                                % {"where": where, "score": score}
                            )
                            continue
                        band_scores.add(score)
                        bands.append(
                            BandData(
                                score=score,
                                text=band.get("uraian") or "",
                                verified=bool(band.get("terverifikasi")),
                                activity=band.get("kegiatan") or "",
                            )
                        )
                    items.append(
                        ItemData(
                            code=code,
                            number=raw_item.get("nomor", 0),
                            official_label=raw_item.get("label_resmi", ""),
                            name=raw_item.get("nama", ""),
                            question=raw_item.get("masukan", ""),
                            bands_complete=bool(raw_item.get("pita_lengkap")),
                            actors=raw_item.get("pelaksana") or {},
                            bands=bands,
                            dimension=dim.get("nama", ""),
                            variable=var.get("nama", ""),
                        )
                    )
        numbers = [i.number for i in items]
        if numbers != list(range(1, len(items) + 1)):
            problems.append(
                _("%(name)s, komponen %(component)s: nomor indikator harus 1..%(count)s berurutan.")
                % {"name": name, "component": comp.get("kode"), "count": len(items)}
            )
        if not items:
            problems.append(
                _("%(name)s: komponen #%(number)s tidak punya indikator.") % {"name": name, "number": ci + 1}
            )
        components.append(ComponentData(code=comp.get("kode", ""), name=comp.get("nama", ""), items=items))

    statuses: list[StatusData] = []
    previous = None
    for si, raw_status in enumerate(data["status"]):
        where = _("%(name)s, status %(status)s") % {"name": name, "status": raw_status.get("kode", si)}
        upper = _decimal(raw_status.get("batas_atas"), where, problems)
        entry = _decimal(raw_status.get("skor_minimal"), where, problems)
        last = si == len(data["status"]) - 1
        if last and upper is not None:
            problems.append(_("%(where)s: status tertinggi tidak boleh punya batas atas.") % {"where": where})
        if not last and upper is None:
            problems.append(_("%(where)s: hanya status tertinggi yang boleh tanpa batas atas.") % {"where": where})
        if upper is not None and previous is not None and upper <= previous:
            problems.append(_("%(where)s: batas atas harus naik dari status sebelumnya.") % {"where": where})
        if entry is not None and previous is not None and entry <= previous:
            problems.append(_("%(where)s: skor minimal harus di atas batas atas status sebelumnya.") % {"where": where})
        if si > 0 and entry is None:
            problems.append(
                _("%(where)s: skor minimal wajib untuk status yang dapat menjadi target.") % {"where": where}
            )
        previous = upper if upper is not None else previous
        statuses.append(
            StatusData(
                code=raw_status.get("kode", ""),
                name=raw_status.get("nama", ""),
                upper_bound=upper,
                entry_score=entry,
                colour=raw_status.get("warna", "#999999"),
            )
        )
    if len(statuses) < 2:
        problems.append(_("%(name)s: paling sedikit dua status.") % {"name": name})
    if problems:
        raise DefinitionFileError(problems)
    return DefinitionData(
        code=data["kode"],
        abbreviation=data["singkatan"],
        name=data["nama"],
        version_label=data.get("versi", ""),
        legal_basis=data.get("dasar_hukum", ""),
        description=data.get("keterangan", ""),
        first_year=data["tahun_mulai"],
        last_year=data.get("tahun_akhir"),
        aggregation=data["agregasi"],
        min_score=low,
        max_score=high,
        components=components,
        statuses=statuses,
        digest=hashlib.sha256(raw).hexdigest(),
    )

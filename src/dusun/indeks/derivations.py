"""Item scores derived from the platform's own data: a registry of rules, one per (definition, item).

A rule reads what Dusun Online already knows about a dusun (the facility map today; the household
census and the road network later) and returns a `Derivation`: a score when the data *settles* it, and
always the evidence it looked at. The principle is that a rule never guesses:

- A mapped layer can prove that something exists, never that it does not (the map may be incomplete).
  So a count rule gives the top score when the mapped count reaches the top band, and no score otherwise;
  the evidence tells the operator what was found.
- A straight-line distance is shorter than the travel distance the questionnaire asks for, so distance
  items wait for a routed (road network) distance rather than being scored from a crow-flies one.

Rules that need data the platform does not hold yet are registered with `pending(...)`, so the form and
the documentation can say which data would fill them. Features marked as demo data are never used, and
only features surveyed (or, without a survey date, entered) by the end of the index year count.

To add a rule: write a function taking a `Context` and returning a `Derivation`, decorate it with
`@rule(definition_code, item_code, source=..., description=...)`.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Wilayah


@dataclass(frozen=True)
class Derivation:
    score: int | None  # None: the data does not settle the score
    evidence: str


@dataclass(frozen=True)
class Rule:
    definition: str
    item: str
    source: str
    description: str
    func: Callable[["Context"], Derivation] | None = None  # None while pending
    needs: str = ""

    @property
    def is_pending(self) -> bool:
        return self.func is None


RULES: dict[tuple[str, str], Rule] = {}


def rule(definition: str, item: str, *, source: str, description: str):
    def register(func: Callable[["Context"], Derivation]):
        RULES[(definition, item)] = Rule(definition, item, source, description, func)
        return func

    return register


def pending(definition: str, item: str, *, needs: str) -> None:
    RULES[(definition, item)] = Rule(definition, item, source="", description="", needs=needs)


def rules_for(definition_code: str) -> dict[str, Rule]:
    return {item: r for (code, item), r in RULES.items() if code == definition_code}


class Context:
    """What the rules may read about one dusun and one year (queried once, shared by all rules)."""

    def __init__(self, dusun: Wilayah, year: int):
        self.dusun = dusun
        self.year = year
        end = dt.datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
        # A feature counts for a year when it was surveyed by then, or (no survey date) entered by then.
        self.as_of = Q(survey_date__lt=dt.date(year + 1, 1, 1)) | Q(survey_date__isnull=True, created_at__lt=end)

    @cached_property
    def facility_counts(self) -> dict[str, int]:
        from dusun.ruang.models import Facility

        rows = (
            Facility.objects.filter(self.as_of, dusun=self.dusun, is_demo=False).values("kind").annotate(n=Count("pk"))
        )
        return {row["kind"]: row["n"] for row in rows}

    @cached_property
    def road_length_by_surface(self) -> dict[str, float]:
        from dusun.ruang.models import LineFeature, LineKind

        rows = (
            LineFeature.objects.filter(self.as_of, dusun=self.dusun, is_demo=False, kind=LineKind.JALAN)
            .exclude(surface="")
            .values("surface")
            .annotate(m=Sum("length_m"))
        )
        return {row["surface"]: float(row["m"]) for row in rows if row["m"]}


def derive_all(definition_code: str, dusun: Wilayah, year: int) -> dict[str, Derivation]:
    """Every implemented rule of a definition run for one dusun and year."""
    context = Context(dusun, year)
    return {item: r.func(context) for item, r in rules_for(definition_code).items() if r.func is not None}


# --- IDM 2016 rules --------------------------------------------------------------------------------------------

IDM = "idm-2016"
FACILITY_MAP = _("Peta fasilitas (lapisan ruang)")
ROAD_MAP = _("Peta jalan (lapisan ruang)")


def _at_least(context: Context, kinds: list[str], threshold: int, found: str, top: int = 5) -> Derivation:
    """Top score when at least `threshold` facilities of `kinds` are mapped; otherwise no score."""
    count = sum(context.facility_counts.get(kind, 0) for kind in kinds)
    if count >= threshold:
        return Derivation(top, _("%(n)s %(what)s tercatat di peta fasilitas.") % {"n": count, "what": found})
    return Derivation(
        None,
        _(
            "%(n)s %(what)s tercatat di peta fasilitas (perlu %(need)s untuk skor %(top)s); peta mungkin belum "
            "lengkap, jadi skor tidak diturunkan. Isi manual."
        )
        % {"n": count, "what": found, "need": threshold, "top": top},
    )


@rule(IDM, "IKS.02", source=FACILITY_MAP, description=_("Ada praktik dokter di peta → skor 5 (dokter ≥ 1)."))
def doctor(context: Context) -> Derivation:
    return _at_least(context, ["dokter"], 1, _("praktik dokter"))


@rule(IDM, "IKS.03", source=FACILITY_MAP, description=_("Ada praktik bidan di peta → skor 5 (bidan ≥ 1)."))
def midwife(context: Context) -> Derivation:
    return _at_least(context, ["bidan"], 1, _("praktik bidan"))


@rule(IDM, "IKS.11", source=FACILITY_MAP, description=_("Ada PAUD/TK di peta → skor 5 (PAUD ≥ 1)."))
def paud(context: Context) -> Derivation:
    return _at_least(context, ["paud"], 1, _("PAUD/TK"))


@rule(
    IDM,
    "IKS.17",
    source=FACILITY_MAP,
    description=_("Ada lapangan olahraga (ruang publik terbuka) di peta → skor 5."),
)
def public_space(context: Context) -> Derivation:
    return _at_least(context, ["olahraga"], 1, _("lapangan olahraga (ruang publik terbuka)"))


@rule(IDM, "IKS.23", source=FACILITY_MAP, description=_("Ada pos kamling di peta → skor 5."))
def poskamling(context: Context) -> Derivation:
    return _at_least(context, ["poskamling"], 1, _("pos kamling"))


@rule(IDM, "IKE.04", source=FACILITY_MAP, description=_("Lebih dari 3 toko/warung kelontong di peta → skor 5."))
def shops(context: Context) -> Derivation:
    return _at_least(context, ["toko"], 4, _("toko/warung kelontong"))


@rule(
    IDM,
    "IKE.09",
    source=FACILITY_MAP,
    description=_("Koperasi dan BUMDes lebih dari 1 → skor 5 (unit usaha BUMDes dihitung satu BUMDes)."),
)
def economic_institutions(context: Context) -> Derivation:
    counts = context.facility_counts
    # A desa has one BUMDes however many business units it runs, so its units count once.
    total = counts.get("koperasi", 0) + (1 if counts.get("bumdes", 0) else 0)
    if total > 1:
        return Derivation(
            5,
            _("%(k)s koperasi dan %(b)s BUMDes tercatat di peta fasilitas.")
            % {"k": counts.get("koperasi", 0), "b": 1 if counts.get("bumdes", 0) else 0},
        )
    return Derivation(
        None,
        _("Baru %(n)s lembaga ekonomi (koperasi/BUMDes) tercatat di peta; perlu lebih dari 1 untuk skor 5. Isi manual.")
        % {"n": total},
    )


@rule(
    IDM,
    "IKE.12",
    source=ROAD_MAP,
    description=_("Permukaan jalan terpanjang di peta: aspal/beton → 5, kerikil (diperkeras) → 4."),
)
def road_surface(context: Context) -> Derivation:
    lengths = context.road_length_by_surface
    if not lengths:
        return Derivation(None, _("Belum ada ruas jalan dengan jenis permukaan di peta. Isi manual."))
    # Aspal and beton share a band ("Aspal atau beton"), so they are measured together.
    groups: dict[str, float] = {}
    for name, length in lengths.items():
        key = "aspal/beton" if name in {"aspal", "beton"} else name
        groups[key] = groups.get(key, 0) + length
    surface = max(groups, key=lambda key: (groups[key], key))
    summary = ", ".join(f"{name} {length / 1000:.1f} km" for name, length in sorted(groups.items()))
    if surface == "aspal/beton":
        return Derivation(5, _("Permukaan jalan terpanjang aspal/beton (%(s)s).") % {"s": summary})
    if surface == "kerikil":
        return Derivation(4, _("Permukaan jalan terpanjang diperkeras/kerikil (%(s)s).") % {"s": summary})
    return Derivation(
        None,
        _(
            "Permukaan jalan terpanjang %(surface)s (%(s)s); pita skor untuk jalan tanah belum terverifikasi. "
            "Isi manual."
        )
        % {"surface": surface, "s": summary},
    )


CENSUS = _("data sensus warga (modul warga, issue 4)")
ROUTING = _("jarak tempuh lewat jaringan jalan (routing); jarak garis lurus lebih pendek dari jarak tempuh")
pending(IDM, "IKS.01", needs=format_lazy("{}{}", _("waktu tempuh ke sarana kesehatan: "), ROUTING))
pending(IDM, "IKS.04", needs=_("jumlah tenaga kesehatan lain per desa (data kepegawaian puskesmas)"))
pending(IDM, "IKS.05", needs=format_lazy("{}{}", _("jumlah peserta BPJS dan jumlah penduduk: "), CENSUS))
pending(IDM, "IKS.06", needs=format_lazy("{}{}", _("jarak ke poskesdes: "), ROUTING))
pending(IDM, "IKS.08", needs=format_lazy("{}{}", _("jarak ke SD/MI: "), ROUTING))
pending(IDM, "IKS.09", needs=format_lazy("{}{}", _("jarak ke SMP/MTs: "), ROUTING))
pending(IDM, "IKS.10", needs=format_lazy("{}{}", _("jarak ke SMA/SMK: "), ROUTING))
pending(IDM, "IKS.28", needs=format_lazy("{}{}", _("keluarga berlistrik / jumlah keluarga: "), CENSUS))
pending(IDM, "IKS.29", needs=_("kekuatan sinyal; keberadaan menara BTS tidak mengukur sinyal"))
pending(IDM, "IKS.32", needs=format_lazy("{}{}", _("fasilitas BAB mayoritas keluarga: "), CENSUS))
pending(IDM, "IKS.34", needs=format_lazy("{}{}", _("sumber air minum mayoritas keluarga: "), CENSUS))
pending(IDM, "IKS.35", needs=format_lazy("{}{}", _("sumber air mandi/cuci mayoritas keluarga: "), CENSUS))
pending(IDM, "IKE.01", needs=format_lazy("{}{}", _("jumlah industri mikro dan jumlah KK: "), CENSUS))
pending(IDM, "IKE.03", needs=format_lazy("{}{}", _("jumlah KK dan pasar permanen di peta: "), CENSUS))
pending(IDM, "IKE.07", needs=_("jenis fasilitas 'bank' di peta mencakup agen bank; perlu jenis bank/BPR tersendiri"))
pending(IDM, "IKL.02", needs=_("laporan bencana tidak membuktikan tidak ada bencana; perlu catatan kejadian resmi"))

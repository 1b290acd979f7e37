"""Census at Bungo's full scale (~100,000 households, ~373,000 residents): import against a bulk COPY of
the same rows, the kabupaten statistics page, a dusun's paginated household list, and a scan of every
public page/API for personal data.

Needs the full demo census (`manage.py generate_demo_warga`); generates it when absent. The import is
measured inside a transaction that is rolled back, so the database is left exactly as found.
"""

import csv
import re
import tempfile
import time
from pathlib import Path

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from bench.timing import ms, p50, p95, timed

TARGET_HOUSEHOLDS = 90_000


class Rollback(Exception):
    pass


def _ensure_demo() -> None:
    from dusun.warga import demo, statistics
    from dusun.warga.models import Household

    if Household.objects.filter(is_demo=True).count() < TARGET_HOUSEHOLDS:
        demo.generate(scale="full")
        statistics.refresh()


def _export_csv(folder: Path, part: int) -> tuple[Path, Path, int, int]:
    """Half of the demo register (odd or even kecamatan) as the two CSV files of the template, with codes
    (which the importer accepts). Halves, because the whole kabupaten is more than the 50 MB a single
    upload may have; villages upload one dusun at a time anyway."""
    from dusun.warga.importer import columns as cols

    households = folder / f"keluarga-{part}.csv"
    residents = folder / f"penduduk-{part}.csv"
    half = f"AND ascii(substr(d.kode, 8, 1)) % 2 = {part}"  # odd or even last digit of the kecamatan code
    h_fields = [
        "kk_number",
        "dusun",
        "rt",
        "address",
        "tenure",
        "floor",
        "wall",
        "roof",
        "floor_area_m2",
        "drinking_water",
        "bathing_water",
        "toilet",
        "waste",
        "lighting",
        "cooking_fuel",
        "firewood_source",
        "phone_signal",
        "internet",
        "assets",
        "land_sawah_ha",
        "land_kebun_ha",
        "land_pekarangan_ha",
        "main_income",
        "income_sources",
        "income_bracket",
        "assistance",
    ]
    by_field = {c.field: c.header for c in cols.HOUSEHOLD_COLUMNS}
    r_by_field = {c.field: c.header for c in cols.RESIDENT_COLUMNS}
    r_fields = [
        "nik",
        "kk_number",
        "name",
        "sex",
        "birth_place",
        "birth_date",
        "relationship",
        "religion",
        "marital_status",
        "education",
        "enrolment",
        "occupation",
        "disability",
        "health_insurance",
        "bpjs_employment",
        "citizenship",
        "groups",
        "status",
    ]
    n_h = n_r = 0
    with connection.cursor() as cursor, households.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([by_field[x] for x in h_fields])
        cursor.execute(
            f"""SELECT h.kk_number, d.kode, right(s.kode, 2), h.address, {", ".join("h." + x for x in h_fields[4:])}
                FROM warga_household h JOIN wilayah_wilayah d ON d.id = h.dusun_id
                LEFT JOIN wilayah_wilayah s ON s.id = h.subunit_id WHERE h.is_demo {half} ORDER BY h.id"""
        )
        for row in cursor:
            writer.writerow(
                [
                    ",".join(v) if isinstance(v, list) else ("Ya" if v is True else "Tidak" if v is False else v)
                    for v in row
                ]
            )
            n_h += 1
    with connection.cursor() as cursor, residents.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([r_by_field[x] for x in r_fields])
        cursor.execute(
            f"""SELECT r.nik, h.kk_number, {", ".join("r." + x for x in r_fields[2:])}
                FROM warga_resident r JOIN warga_household h ON h.id = r.household_id
                JOIN wilayah_wilayah d ON d.id = h.dusun_id WHERE r.is_demo {half} ORDER BY r.id"""
        )
        for row in cursor:
            writer.writerow(
                [
                    ",".join(v) if isinstance(v, list) else ("Ya" if v is True else "Tidak" if v is False else v)
                    for v in row
                ]
            )
            n_r += 1
    return households, residents, n_h, n_r


def _copy_reference(result) -> float:
    """Seconds to COPY the same checked rows straight into the same (emptied) tables."""
    from dusun.warga.importer.writer import HOUSEHOLD_FIELDS, RESIDENT_FIELDS

    started = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.copy(
            f"COPY warga_household (uuid, kk_number, dusun_id, {', '.join(HOUSEHOLD_FIELDS)}, is_demo, created_at, "
            "updated_at) FROM STDIN"
        ) as copy:
            for kk, row in result.households.items():
                copy.write_row(
                    (
                        _uuid(),
                        kk,
                        row["dusun_id"],
                        *(row.get(f, _empty(f)) for f in HOUSEHOLD_FIELDS),
                        True,
                        "now",
                        "now",
                    )
                )
        cursor.execute("SELECT kk_number, id FROM warga_household WHERE is_demo")
        ids = dict(cursor.fetchall())
        with cursor.copy(
            f"COPY warga_resident (uuid, household_id, dusun_id, nik, {', '.join(RESIDENT_FIELDS)}, "
            "is_demo, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in result.residents:
                copy.write_row(
                    (
                        _uuid(),
                        ids[row["kk_number"]],
                        row["dusun_id"],
                        row["nik"],
                        *(row.get(f, _empty(f)) for f in RESIDENT_FIELDS),
                        True,
                        "now",
                        "now",
                    )
                )
    return time.perf_counter() - started


def _uuid():
    import uuid

    return uuid.uuid4()


def _empty(field):
    from dusun.warga.importer.writer import _default

    return _default(field)


def _import_vs_copy(lines: list[str]) -> None:
    from dusun.akun.models import User
    from dusun.warga import demo
    from dusun.warga.importer.validate import check
    from dusun.warga.importer.writer import write
    from dusun.wilayah.models import Wilayah

    kabupaten = Wilayah.objects.get(kode="15.08")
    with tempfile.TemporaryDirectory() as tmp:
        parts = [_export_csv(Path(tmp), part) for part in (0, 1)]
        batches = [[(h, h.name), (r, r.name)] for h, r, _nh, _nr in parts]
        n_h, n_r = sum(p[2] for p in parts), sum(p[3] for p in parts)
        size = sum(h.stat().st_size + r.stat().st_size for h, r, _a, _b in parts) / 1e6
        user = User.objects.filter(is_superuser=True).first()
        # Reference: the same rows, already parsed, COPYed into the emptied tables (rolled back).
        copy_seconds = 0.0
        try:
            with transaction.atomic():
                demo.remove()
                for files in batches:
                    parsed = check(kabupaten, files, is_demo=True)
                    assert not parsed.report.errors, (parsed.report.file_errors, parsed.report.issues[:5])
                    copy_seconds += _copy_reference(parsed)
                raise Rollback
        except Rollback:
            pass
        # The import as it runs for a user: read the files, check every row, upsert (rolled back).
        checked = import_seconds = recheck = 0.0
        counts = {"households_new": 0, "residents_new": 0}
        unchanged = 0
        try:
            with transaction.atomic():
                demo.remove()
                for files in batches:
                    started = time.perf_counter()
                    result = check(kabupaten, files, is_demo=True)
                    checked += time.perf_counter() - started
                    written = write(result, user=user, is_demo=True, note="bench")
                    import_seconds += time.perf_counter() - started
                    for key in counts:
                        counts[key] += written[key]
                for files in batches:
                    started = time.perf_counter()
                    again = check(kabupaten, files, is_demo=True)
                    recheck += time.perf_counter() - started
                    unchanged += again.summary["residents"]["unchanged"]
                raise Rollback
        except Rollback:
            pass
    lines.append(
        f"import CSV ({n_h:,} KK, {n_r:,} penduduk, {size:.0f} MB): {import_seconds:.1f} s "
        f"(check {checked:.1f} s + write {import_seconds - checked:.1f} s); "
        f"{counts['households_new']:,} KK + {counts['residents_new']:,} penduduk baru"
    )
    lines.append(
        f"reference bulk COPY of the same rows: {copy_seconds:.1f} s → import = "
        f"{import_seconds / copy_seconds:.1f}× COPY (target ≤ 5×, ≤ 300 s)"
    )
    lines.append(f"re-import dry run of the same files: {recheck:.1f} s, {unchanged:,} penduduk unchanged (idempotent)")


def _pages(lines: list[str]) -> None:
    from dusun.akun.models import Role, User
    from dusun.akun.services import assign_role
    from dusun.warga.models import Household
    from dusun.wilayah.models import Wilayah

    anonymous = Client(HTTP_HOST="localhost")
    reference = timed(lambda: anonymous.get("/healthz"), repeat=30)
    lines.append(f"reference /healthz p50 {ms(p50(reference))}")
    admin, _ = User.objects.get_or_create(username="bench_bappeda")
    if not admin.roles.exists():
        assign_role(admin, Role.KABUPATEN, Wilayah.objects.get(kode="15.08"))
    biggest = (
        Household.objects.filter(dusun__jenis="desa")
        .values("dusun__kode")
        .order_by()
        .annotate(n=__import__("django").db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    operator, _ = User.objects.get_or_create(username="bench_operator")
    village = Wilayah.objects.get(kode=biggest["dusun__kode"])
    if not operator.roles.exists():
        assign_role(operator, Role.OPERATOR, village)
    admin_client, operator_client = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    admin_client.force_login(admin)
    operator_client.force_login(operator)
    pages = [
        (
            "kabupaten statistics page (public, suppressed)",
            anonymous,
            reverse("warga:statistik_kabupaten", args=["15.08"]),
        ),
        (
            "kabupaten statistics page (admin, exact)",
            admin_client,
            reverse("warga:statistik_kabupaten", args=["15.08"]),
        ),
        ("kabupaten statistics API", anonymous, reverse("warga:api_statistik_kabupaten", args=["15.08"])),
        (
            f"household list of {village.nama} ({biggest['n']:,} KK), page 1",
            operator_client,
            reverse("warga:households", args=[village.kode]),
        ),
        (
            "household list, last page",
            operator_client,
            reverse("warga:households", args=[village.kode]) + f"?page={(biggest['n'] + 49) // 50}",
        ),
    ]
    for label, client, path in pages:
        assert client.get(path).status_code == 200, path
        times = timed(lambda client=client, path=path: client.get(path), repeat=30)
        lines.append(
            f"{label}: p50 {ms(p50(times))}, p95 {ms(p95(times))} = {p50(times) / p50(reference):.1f}× /healthz"
        )
    search = timed(
        lambda: operator_client.post(reverse("warga:households", args=[village.kode]), {"q": "Siti"}), repeat=10
    )
    lines.append(f"household search by name (POST): p95 {ms(p95(search))}")


def _leak_scan(lines: list[str]) -> None:
    """Every public statistics page and API response of all 171 areas, scanned for NIK, KK and names."""
    from dusun.warga.models import Resident
    from dusun.wilayah.models import Level, Wilayah

    names = set(Resident.objects.values_list("name", flat=True))
    client = Client(HTTP_HOST="localhost")
    urls = []
    for area in Wilayah.objects.filter(level__in=[Level.KABUPATEN, Level.KECAMATAN, Level.DESA]):
        level = {Level.KABUPATEN: "kabupaten", Level.KECAMATAN: "kecamatan", Level.DESA: "dusun"}[area.level]
        urls.append(reverse(f"warga:statistik_{level}", args=[area.kode]))
        urls.append(reverse(f"warga:api_statistik_{level}", args=[area.kode]))
        if level == "dusun":
            urls += [reverse("portal:village", args=[area.kode]), reverse("ekonomi:dusun", args=[area.kode])]
    started = time.perf_counter()
    leaks = 0
    two_words = re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+")
    for url in urls:
        body = client.get(url).content.decode()
        leaks += len(re.findall(r"(?<!\d)\d{16}(?!\d)", body))
        leaks += sum(1 for candidate in two_words.findall(body) if candidate in names)
    lines.append(
        f"public pages/API scanned for NIK, KK and {len(names):,} resident names: {len(urls)} responses, "
        f"{leaks} leaks ({time.perf_counter() - started:.1f} s)"
    )


def run() -> list[str]:
    from dusun.warga.models import Resident, StatRefresh

    _ensure_demo()
    lines = [f"register: {Resident.objects.filter(status='aktif').count():,} active residents"]
    refresh = StatRefresh.objects.order_by("-refreshed_at").first()
    if refresh:
        lines.append(
            f"statistics rebuild (exact + suppression): {refresh.duration_ms / 1000:.1f} s, "
            f"{refresh.suppressed_primary:,} '<5' cells, {refresh.suppressed_complementary:,} complementary"
        )
    _pages(lines)
    _import_vs_copy(lines)
    _leak_scan(lines)
    return lines

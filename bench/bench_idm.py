"""Village development index (IDM) at national scale, and the kabupaten status page.

1. Recompute every computed result of one year for 75,000 synthetic villages with all 50 item scores
   (3.75 million item rows) with the production bulk path (`services.recompute_year`, one SQL
   statement); target ≤ 10 s. Reference: `SELECT count(*)` over the same item rows, in the same run.
   A sample of the recomputed results is checked against the exact Python engine.
2. The kabupaten status page `/indeks/` warm, with a result for every desa of Bungo in four years;
   target ≤ 300 ms. Reference: `/healthz` through the same stack.

Everything is created inside one transaction that is rolled back at the end: the development database
is left exactly as it was. Needs the Bungo reference data (`manage.py load_wilayah`); loads the IDM
definition inside the transaction if `manage.py load_idm` has not been run.
"""

import random
import time

from django.db import connection, transaction
from django.test import Client

from bench.timing import ms, p50, p95, timed

VILLAGES = 75_000
YEAR = 2030  # a year no real data uses
PER_KECAMATAN = 1000  # village codes run 2000–2999 within a kecamatan


class Rollback(Exception):
    pass


def run() -> list[str]:
    lines: list[str] = []
    try:
        with transaction.atomic():
            lines += _run()
            raise Rollback
    except Rollback:
        pass
    return lines


def _definition():
    from dusun.indeks.definition_file import DEFAULT_DEFINITIONS, read_definition
    from dusun.indeks.models import IndexDefinition
    from dusun.indeks.services import load_definition

    if not IndexDefinition.objects.filter(code="idm-2016").exists():
        load_definition(read_definition(DEFAULT_DEFINITIONS[0]))
    return IndexDefinition.objects.get(code="idm-2016")


def _execute(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def _synthetic_villages() -> None:
    _execute(
        """
        INSERT INTO wilayah_wilayah (kode, nama, level, jenis, parent_id, sumber, updated_at)
        VALUES ('99', 'Provinsi Sintetis', 1, 'provinsi', NULL, 'bench', now());
        INSERT INTO wilayah_wilayah (kode, nama, level, jenis, parent_id, sumber, updated_at)
        SELECT '99.01', 'Kabupaten Sintetis', 2, 'kabupaten', id, 'bench', now() FROM wilayah_wilayah WHERE kode = '99';
        INSERT INTO wilayah_wilayah (kode, nama, level, jenis, parent_id, sumber, updated_at)
        SELECT '99.01.' || lpad(k::text, 2, '0'), 'Kecamatan ' || k, 3, 'kecamatan', p.id, 'bench', now()
        FROM generate_series(1, %(kec)s) k, wilayah_wilayah p WHERE p.kode = '99.01';
        INSERT INTO wilayah_wilayah (kode, nama, level, jenis, parent_id, sumber, updated_at)
        SELECT k.kode || '.' || (2000 + i)::text, 'Desa ' || k.kode || '.' || i, 4, 'desa', k.id, 'bench', now()
        FROM wilayah_wilayah k, generate_series(0, %(per)s - 1) i
        WHERE k.level = 3 AND k.kode LIKE '99.01.%%';
        """,
        {"kec": VILLAGES // PER_KECAMATAN, "per": PER_KECAMATAN},
    )


def _results_with_items(definition_id: int, year: int, village_filter: str, params: dict) -> int:
    """One current computed result per village, with all 50 item scores (0–5, seeded)."""
    _execute("SELECT setseed(0.42)")
    _execute(
        f"""
        INSERT INTO indeks_result (definition_id, dusun_id, year, series, version, is_current, is_complete,
            filled_count, components, status, target_status, source, created_at, payload_digest, warnings)
        SELECT %(definition)s, w.id, %(year)s, 'hitung', 1, true, false, 0, '{{}}', '', '', 'bench', now(), '', '[]'
        FROM wilayah_wilayah w WHERE {village_filter}
        """,  # noqa: S608 (the filter is a constant written in this module)
        {"definition": definition_id, "year": year, **params},
    )
    # Scores skewed towards the top, as real villages are (most items score 4–5).
    return _execute(
        """
        INSERT INTO indeks_resultitem (result_id, item_id, score, provenance, note, activity)
        SELECT r.id, i.id, LEAST(5, floor(random() * 4)::int + floor(random() * 3)::int), 'diisi', '', ''
        FROM indeks_result r CROSS JOIN indeks_item i
        WHERE r.definition_id = %(definition)s AND r.year = %(year)s AND r.source = 'bench'
          AND i.definition_id = %(definition)s
        """,
        {"definition": definition_id, "year": year},
    )


def _check_sample(definition, year: int, size: int = 500) -> int:
    from dusun.indeks import engine
    from dusun.indeks.models import Result
    from dusun.indeks.selectors import scores_of, spec_of

    spec = spec_of(definition)
    ids = list(Result.objects.filter(definition=definition, year=year, source="bench").values_list("pk", flat=True))
    sample = random.Random(7).sample(ids, min(size, len(ids)))
    for result in Result.objects.filter(pk__in=sample).prefetch_related("items__item"):
        computation = engine.compute(spec, scores_of(result))
        assert result.value == engine.to_decimal(computation.value), result.pk
        assert result.status == computation.status.code and result.gap == engine.to_decimal(computation.gap)
    return len(sample)


def _run() -> list[str]:
    from dusun.indeks.services import recompute_year

    definition = _definition()
    lines = []

    started = time.perf_counter()
    _synthetic_villages()
    rows = _results_with_items(definition.pk, YEAR, "w.level = 4 AND w.kode LIKE %(prefix)s", {"prefix": "99.01.%"})
    _execute("ANALYZE wilayah_wilayah; ANALYZE indeks_result; ANALYZE indeks_resultitem")
    lines.append(f"setup: {VILLAGES:,} synthetic villages, {rows:,} item rows ({time.perf_counter() - started:.1f} s)")

    reference_sql = """
        SELECT count(*) FROM indeks_resultitem ri JOIN indeks_result r ON r.id = ri.result_id
        WHERE r.definition_id = %s AND r.year = %s AND r.series = 'hitung' AND r.is_current
    """
    reference = timed(lambda: _execute(reference_sql, [definition.pk, YEAR]), repeat=3)
    recompute = timed(lambda: recompute_year(definition, YEAR), repeat=3)
    lines.append(f"reference SELECT count(*) over the same {rows:,} rows: p50 {ms(p50(reference))}")
    lines.append(
        f"recompute IDM for {VILLAGES:,} villages (one SQL statement): p50 {p50(recompute):.2f} s, "
        f"max {max(recompute):.2f} s = {p50(recompute) / p50(reference):.1f}× the count "
        f"(target ≤ 10 s: {'met' if max(recompute) <= 10 else 'NOT met'}); "
        f"{VILLAGES / p50(recompute):,.0f} villages/s"
    )
    lines.append(f"exactness: {_check_sample(definition, YEAR)} sampled results equal the Python engine")

    # The kabupaten page with a computed result for every desa of Bungo in 2021–2024.
    for year in (2021, 2022, 2023, 2024):
        _results_with_items(
            definition.pk,
            year,
            "w.level = 4 AND w.jenis = 'desa' AND w.kode LIKE %(prefix)s AND NOT EXISTS (SELECT 1 FROM "
            "indeks_result x WHERE x.dusun_id = w.id AND x.year = %(year)s AND x.series = 'hitung' AND x.is_current)",
            {"prefix": "15.08.%"},
        )
        recompute_year(definition, year)
    client = Client(HTTP_HOST="localhost")
    health = timed(lambda: client.get("/healthz"), repeat=30)
    lines.append(f"reference /healthz p50 {ms(p50(health))}")
    for label, path in [
        ("kabupaten status page /indeks/ (141 desa × 4 years)", "/indeks/"),
        ("kecamatan status page", "/indeks/kecamatan/15.08.04/"),
        ("village page with plan and history", "/indeks/dusun/15.08.04.2003/2024/"),
        ("API /api/v1/idm/<kode>/<tahun>/", "/api/v1/idm/15.08.04.2003/2024/"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        times = timed(lambda path=path: client.get(path), repeat=20)
        verdict = ""
        if path == "/indeks/":
            verdict = f" (target ≤ 300 ms warm: {'met' if p95(times) <= 0.3 else 'NOT met'})"
        lines.append(
            f"{label}: p50 {ms(p50(times))}, p95 {ms(p95(times))} = {p50(times) / p50(health):.1f}× /healthz{verdict}"
        )
    return lines

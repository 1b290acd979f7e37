"""Committing a checked census: staged with COPY, merged with one INSERT … ON CONFLICT per table.

Idempotent by design: a household is matched by its KK number and a person by NIK within the village
(a person who moved away keeps their row in the old village, see `Resident.nik`); a row equal to what
is stored is not touched (`IS DISTINCT FROM`), so importing the same file twice changes nothing the
second time. Columns absent from the file are left as stored. Must run inside a transaction
(`services.commit_import` holds one), so any failure leaves the register as it was.
"""

from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from dusun.wilayah.models import Level, Wilayah

from .. import choices as c
from ..models import HOUSEHOLD_ATTRIBUTES, RESIDENT_ATTRIBUTES
from .validate import CheckResult

HOUSEHOLD_FIELDS = HOUSEHOLD_ATTRIBUTES
ARRAY_FIELDS = {"assets", "income_sources", "assistance", "groups"}
NULLABLE = {
    "floor_area_m2",
    "internet",
    "land_sawah_ha",
    "land_kebun_ha",
    "land_ladang_ha",
    "land_pekarangan_ha",
    "land_other_ha",
    "bpjs_employment",
    "birth_date",
}
RESIDENT_FIELDS = RESIDENT_ATTRIBUTES
DEFAULTS = {"status": c.ResidentStatus.AKTIF, "citizenship": c.Citizenship.WNI}
STATUS_EVENT = {
    c.ResidentStatus.MENINGGAL: c.EventKind.MENINGGAL,
    c.ResidentStatus.PINDAH: c.EventKind.PINDAH_KELUAR,
    c.ResidentStatus.HILANG: c.EventKind.HILANG,
    c.ResidentStatus.AKTIF: c.EventKind.PINDAH_DATANG,
}


def _default(field: str):
    if field in ARRAY_FIELDS:
        return []
    if field in NULLABLE:
        return None
    return DEFAULTS.get(field, "")


def _create_subunits(result: CheckResult) -> dict[str, int]:
    """The sub-units the file names that do not exist yet (kampung before its RT)."""
    ids = {}
    for unit in sorted(result.new_subunits.values(), key=lambda u: u["kode"].count(".")):
        parent = Wilayah.objects.get(kode=unit["parent"])
        area = Wilayah(
            kode=unit["kode"],
            nama=unit["nama"],
            level=Level.SUBUNIT,
            jenis=unit["jenis"],
            parent=parent,
            sumber="Impor sensus",
        )
        area.full_clean()
        area.save()
        ids[area.kode] = area.pk
    return ids


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def write(result: CheckResult, *, user, is_demo: bool, note: str) -> dict:
    """Upsert the checked rows; returns what changed. Call inside `transaction.atomic()`."""
    _create_subunits(result)
    codes = {row.get("subunit_code") for row in result.households.values()} - {None}
    subunit_ids = dict(Wilayah.objects.filter(kode__in=codes).values_list("kode", "pk"))
    now = timezone.now()
    today = timezone.localdate()
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    h_present = [f for f in HOUSEHOLD_FIELDS if f in result.household_fields]
    update_subunit = "subunit" in result.household_fields
    update_location = "location" in result.household_fields
    r_present = [f for f in RESIDENT_FIELDS if f in result.resident_fields]
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        # Households --------------------------------------------------------------------------------------
        columns = ["kk_number", "dusun_id", "subunit_id", "location", *HOUSEHOLD_FIELDS]
        staging = f"CREATE TEMP TABLE tmp_household ON COMMIT DROP AS SELECT {', '.join(columns)} FROM warga_household"  # noqa: S608
        cursor.execute(staging + " WITH NO DATA")
        _copy(
            cursor,
            "tmp_household",
            columns,
            (
                (
                    kk,
                    row["dusun_id"],
                    subunit_ids.get(row.get("subunit_code")),
                    Point(float(row["lng"]), float(row["lat"]), srid=4326).ewkt if row.get("lat") is not None else None,
                    *(
                        row.get(f, _default(f)) if f in result.household_fields else _default(f)
                        for f in HOUSEHOLD_FIELDS
                    ),
                )
                for kk, row in result.households.items()
            ),
        )
        updatable = list(h_present)
        if update_subunit:
            updatable.append("subunit_id")
        if update_location:
            updatable.append("location")
        set_clause = ", ".join(f"{f} = EXCLUDED.{f}" for f in updatable) or "kk_number = EXCLUDED.kk_number"
        distinct = (
            f"AND ({', '.join(f'warga_household.{f}' for f in updatable)}) IS DISTINCT FROM "
            f"({', '.join(f'EXCLUDED.{f}' for f in updatable)})"
            if updatable
            else "AND false"
        )
        cursor.execute(
            f"""
            INSERT INTO warga_household (uuid, kk_number, dusun_id, subunit_id, location, {", ".join(HOUSEHOLD_FIELDS)},
                                         is_demo, created_at, updated_at, updated_by_id)
            SELECT gen_random_uuid(), kk_number, dusun_id, subunit_id, location, {", ".join(HOUSEHOLD_FIELDS)},
                   %(demo)s, %(now)s, %(now)s, %(user)s
            FROM tmp_household
            ON CONFLICT (kk_number) DO UPDATE SET {set_clause}, updated_at = EXCLUDED.updated_at,
                                                  updated_by_id = EXCLUDED.updated_by_id
            WHERE warga_household.dusun_id = EXCLUDED.dusun_id {distinct}
            RETURNING (xmax = 0)
            """,  # noqa: S608 (field names come from the fixed lists above)
            {"demo": is_demo, "now": now, "user": user_id},
        )
        flags = [row[0] for row in cursor.fetchall()]
        counts["households_new"], counts["households_updated"] = flags.count(True), flags.count(False)

        # Residents --------------------------------------------------------------------------------------
        cursor.execute(
            f"CREATE TEMP TABLE tmp_resident ON COMMIT DROP AS SELECT r.nik, r.dusun_id, h.kk_number, "  # noqa: S608 (identifiers from fixed lists in this module)
            f"{', '.join('r.' + f for f in RESIDENT_FIELDS)} "
            f"FROM warga_resident r JOIN warga_household h ON h.id = r.household_id WITH NO DATA"
        )
        _copy(
            cursor,
            "tmp_resident",
            ["nik", "kk_number", *RESIDENT_FIELDS],
            (
                (
                    row["nik"],
                    row["kk_number"],
                    *(row.get(f, _default(f)) if f in result.resident_fields else _default(f) for f in RESIDENT_FIELDS),
                )
                for row in result.residents
            ),
        )
        cursor.execute(
            "UPDATE tmp_resident t SET dusun_id = h.dusun_id FROM warga_household h WHERE h.kk_number = t.kk_number"
        )
        cursor.execute(
            "CREATE TEMP TABLE tmp_before ON COMMIT DROP AS SELECT r.id, r.nik, r.dusun_id, r.status, r.household_id "
            "FROM warga_resident r JOIN tmp_resident t ON t.nik = r.nik AND t.dusun_id = r.dusun_id"
        )
        updatable = [*r_present, "household_id"]
        cursor.execute(
            f"""
            INSERT INTO warga_resident (uuid, household_id, dusun_id, nik, {", ".join(RESIDENT_FIELDS)},
                                        is_demo, created_at, updated_at)
            SELECT gen_random_uuid(), h.id, h.dusun_id, t.nik, {", ".join("t." + f for f in RESIDENT_FIELDS)},
                   %(demo)s, %(now)s, %(now)s
            FROM tmp_resident t JOIN warga_household h ON h.kk_number = t.kk_number
            ON CONFLICT (nik, dusun_id) DO UPDATE SET {", ".join(f"{f} = EXCLUDED.{f}" for f in updatable)},
                                            updated_at = EXCLUDED.updated_at
            WHERE warga_resident.dusun_id = EXCLUDED.dusun_id
              AND ({", ".join(f"warga_resident.{f}" for f in updatable)}) IS DISTINCT FROM
                  ({", ".join(f"EXCLUDED.{f}" for f in updatable)})
            RETURNING (xmax = 0)
            """,  # noqa: S608 (field names come from the fixed lists above)
            {"demo": is_demo, "now": now},
        )
        flags = [row[0] for row in cursor.fetchall()]
        counts["residents_new"], counts["residents_updated"] = flags.count(True), flags.count(False)
        cursor.execute(
            "SELECT count(*) FROM tmp_resident t JOIN warga_household h ON h.kk_number = t.kk_number "
            "LEFT JOIN warga_resident r ON r.nik = t.nik AND r.dusun_id = h.dusun_id "
            "WHERE r.id IS NULL OR r.household_id <> h.id"
        )
        if cursor.fetchone()[0]:
            # A row that could not be written as checked (the register changed meanwhile): refuse it all.
            # A person still active in another village fails earlier, on the unique index of active NIKs.
            raise ValueError("conflict: resident belongs to another village")

        # The register keeps history: a first registration, or a change of status, is a dated event.
        event_kinds = "CASE r.status " + " ".join(f"WHEN '{s}' THEN '{k}'" for s, k in STATUS_EVENT.items()) + " END"
        cursor.execute(
            f"""
            INSERT INTO warga_residentevent (uuid, resident_id, household_id, dusun_id, kind, date, note, is_demo,
                                             created_by_id, created_at)
            SELECT gen_random_uuid(), r.id, r.household_id, r.dusun_id,
                   CASE WHEN b.id IS NULL AND r.status = 'aktif' AND NOT EXISTS (
                            SELECT 1 FROM warga_resident o WHERE o.nik = r.nik AND o.id <> r.id
                        ) THEN 'pendataan'
                        ELSE {event_kinds} END,
                   %(today)s, %(note)s, %(demo)s, %(user)s, %(now)s
            FROM tmp_resident t JOIN warga_resident r ON r.nik = t.nik AND r.dusun_id = t.dusun_id
            LEFT JOIN tmp_before b ON b.nik = t.nik AND b.dusun_id = t.dusun_id
            WHERE b.id IS NULL OR b.status <> r.status
            """,  # noqa: S608 (event kinds come from the fixed mapping above)
            {"today": today, "note": note[:300], "demo": is_demo, "user": user_id, "now": now},
        )
        counts["events"] = cursor.rowcount
        cursor.execute("DROP TABLE tmp_household, tmp_resident, tmp_before")
    counts["subunits_new"] = len(result.new_subunits)
    return counts

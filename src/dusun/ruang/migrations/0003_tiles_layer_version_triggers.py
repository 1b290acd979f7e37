"""Move a layer's `LayerVersion` whenever its table changes, whatever changes it.

Tile ETags and the server-side tile cache are keyed on the layer version, so the version must move on
every write: edits through the services, imports, set-based demo loads, raw SQL, TRUNCATE. Triggers in
the database are the only place that sees all of them. They are statement-level (a 100,000-row INSERT
costs one bump, not 100,000) and bump at most once per transaction and layer (readers only ever see
committed states, so one new version per commit is enough; the marker is a transaction-local setting,
rolled back with the transaction or savepoint that set it, and cleared by `tiles.layer_state` when the
version is read, so a write after a read in the same transaction still moves it). Without the marker,
an import saving 10,000 features one statement at a time paid 0.5 s for updating the same version row
10,000 times; with it, 30 ms.

Tiles also show the legend class (code, name, colour) and the village (code, name), so changes to those
tables move the versions of the layers that show them.

The table → layer map is frozen here as of this migration (a migration is history); a new layer adds
its trigger in its own migration. `tests/ruang/map/test_tilejson_cache.py` checks every registered layer
has one.
"""

from django.db import migrations

LAYER_TABLES = {
    "ruang_landcover": ["tutupan-lahan"],
    "ruang_facility": ["fasilitas"],
    "ruang_linefeature": ["jaringan"],
    "ruang_potential": ["potensi"],
    "ruang_hazard": ["bencana"],
    "ruang_managedarea": ["kawasan"],
    "ruang_building": ["bangunan"],
    "ruang_parcel": ["persil"],
    "ruang_legendclass": ["tutupan-lahan"],
    "wilayah_wilayah": [
        "tutupan-lahan",
        "fasilitas",
        "jaringan",
        "potensi",
        "bencana",
        "kawasan",
        "bangunan",
        "persil",
    ],
}

FUNCTION = """
CREATE OR REPLACE FUNCTION ruang_bump_layer_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    layer_slug text;
    marker text;
BEGIN
    FOREACH layer_slug IN ARRAY TG_ARGV LOOP
        marker := 'ruang_layer_bumped.' || replace(layer_slug, '-', '_');
        IF coalesce(current_setting(marker, true), '') <> '1' THEN
            INSERT INTO ruang_layerversion (layer, version, changed_at)
            VALUES (layer_slug, 1, clock_timestamp())
            ON CONFLICT (layer) DO UPDATE
                SET version = ruang_layerversion.version + 1, changed_at = clock_timestamp();
            PERFORM set_config(marker, '1', true);
        END IF;
    END LOOP;
    RETURN NULL;
END;
$$;
"""


def _create_triggers() -> str:
    statements = [FUNCTION]
    for table, layers in LAYER_TABLES.items():
        args = ", ".join(f"'{slug}'" for slug in layers)
        statements.append(
            f"CREATE TRIGGER ruang_layer_version_bump AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION ruang_bump_layer_version({args});"
        )
        statements.append(
            f"CREATE TRIGGER ruang_layer_version_bump_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION ruang_bump_layer_version({args});"
        )
    return "\n".join(statements)


def _drop_triggers() -> str:
    statements = []
    for table in LAYER_TABLES:
        statements.append(f"DROP TRIGGER IF EXISTS ruang_layer_version_bump ON {table};")
        statements.append(f"DROP TRIGGER IF EXISTS ruang_layer_version_bump_truncate ON {table};")
    statements.append("DROP FUNCTION IF EXISTS ruang_bump_layer_version();")
    return "\n".join(statements)


class Migration(migrations.Migration):
    dependencies = [
        ("ruang", "0002_import_jobs_layer_versions"),
        ("wilayah", "0001_initial"),
    ]

    operations = [migrations.RunSQL(_create_triggers(), _drop_triggers())]

"""Census statistics as JSON: one body for the module's own statistics endpoint and the documented REST API
(`dusun.api.routers.warga`), so the two cannot drift apart."""

from django.utils.translation import gettext as _

from .suppression import THRESHOLD


def cell_json(cell) -> dict:
    out = {"jumlah": cell.json()}
    if cell.flag == 1:
        out["ditekan"] = "primer"
    elif cell.flag == 2:
        out["ditekan"] = "komplementer"
    return out


def statistics_json(stats) -> dict:
    """The suppressed (or, for scoped callers, exact) statistics as the JSON body both APIs return."""
    area = stats.area
    return {
        "wilayah": {"kode": area.kode, "nama": area.nama, "tingkat": area.get_level_display(), "jenis": area.label},
        "per_tanggal": stats.as_of.isoformat() if stats.as_of else None,
        "jenis_kelamin": stats.sex or "semua",
        "kerahasiaan": {
            "ambang": THRESHOLD,
            "keterangan": _(
                'Jumlah 1–4 ditampilkan "<5"; angka 0 yang sejumlah dengan angka kecil juga dapat tampil "<5". '
                "Sel lain disembunyikan (jumlah null, ditekan: komplementer) agar sel kecil tidak dapat dihitung "
                "dari total atau wilayah lain."
            ),
        },
        "penduduk": {k: cell_json(v) for k, v in stats.population.items()},
        "keluarga": cell_json(stats.households),
        "piramida": [
            {"kelompok_umur": band["label"], "laki_laki": cell_json(band["L"]), "perempuan": cell_json(band["P"])}
            for band in stats.pyramid
        ],
        "tabel": [
            {
                "kode": table.code,
                "judul": table.title,
                "satuan": table.unit,
                "boleh_lebih_dari_satu": table.multi,
                "total": cell_json(table.total),
                "baris": [
                    {
                        "kode": row.code,
                        "label": row.label,
                        **cell_json(row.cell),
                        "persen": row.pct,
                        **(
                            {"luas_ha": row.area_ha, "produksi_kg": row.production_kg}
                            if table.code == "komoditas"
                            else {}
                        ),
                    }
                    for row in table.rows
                ],
            }
            for table in stats.tables
        ],
    }

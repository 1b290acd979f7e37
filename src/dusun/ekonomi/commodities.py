"""The commodities Bungo villages produce (Prodeskel DDK production groups): reference data.

Loaded by migration 0003 and re-ensured by the demo generator, so a database emptied by a test flush or
a restore gets the list back without a migration run.
"""

COMMODITIES = [
    # code, name, group, unit note
    ("karet", "Karet", "perkebunan", "kg bokar (slab/lump)"),
    ("sawit", "Kelapa sawit", "perkebunan", "kg tandan buah segar"),
    ("kopi", "Kopi", "perkebunan", "kg biji kering"),
    ("kayu_manis", "Kayu manis", "perkebunan", "kg kulit kering"),
    ("pinang", "Pinang", "perkebunan", "kg biji kering"),
    ("kelapa", "Kelapa", "perkebunan", "kg kopra/butir setara"),
    ("padi_sawah", "Padi sawah", "pangan", "kg gabah kering giling"),
    ("padi_ladang", "Padi ladang", "pangan", "kg gabah kering giling"),
    ("jagung", "Jagung", "pangan", "kg pipilan kering"),
    ("ubi", "Ubi kayu/ubi jalar", "pangan", "kg umbi"),
    ("durian", "Durian", "hortikultura", "kg buah"),
    ("sayur", "Sayuran", "hortikultura", "kg"),
    ("ikan_kolam", "Ikan kolam/keramba", "perikanan", "kg ikan segar"),
    ("ikan_sungai", "Ikan sungai (tangkap)", "perikanan", "kg ikan segar"),
    ("sapi", "Sapi/kerbau", "peternakan", "kg bobot hidup terjual"),
    ("kambing", "Kambing", "peternakan", "kg bobot hidup terjual"),
    ("unggas", "Ayam/itik", "peternakan", "kg bobot hidup terjual"),
    ("madu", "Madu hutan", "hasil_hutan", "kg"),
    ("jernang", "Jernang", "hasil_hutan", "kg getah"),
    ("rotan", "Rotan", "hasil_hutan", "kg"),
]


def ensure(model=None) -> None:
    """Create or update the reference rows (idempotent); `model` is the (historical) Commodity model."""
    if model is None:
        from .models import Commodity as model
    for order, (code, name, group, unit) in enumerate(COMMODITIES):
        model.objects.update_or_create(
            code=code, defaults={"name": name, "group": group, "unit_note": unit, "sort_order": order}
        )

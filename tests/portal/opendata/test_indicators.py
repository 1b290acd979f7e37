"""Indicator values against hand-computed expectations on the small world (conftest), suppression included."""

import pytest

from dusun.indeks.models import Result
from dusun.portal import indicators as ind
from dusun.warga.models import PublicStatCell

from .conftest import BERINGIN, KECAMATAN, TELANG

pytestmark = pytest.mark.django_db


def _values(code, level=ind.DUSUN):
    ctx = ind.Context()
    return ind.registry(ctx)[code].values(ctx, level)


def test_population_is_published_where_large_and_hidden_where_small(world):
    pop = _values("penduduk")
    assert pop[TELANG] == ind.Value(12.0)
    assert pop[BERINGIN].hidden and pop[BERINGIN].number is None  # 3 residents: never the real value
    assert _values("keluarga")[TELANG] == ind.Value(6.0)
    # The kecamatan value is the kecamatan's own published cell, whatever suppression decided there.
    cell = PublicStatCell.objects.get(wilayah__kode=KECAMATAN, dimension="penduduk", category="", sex="", age_band=-1)
    kec = _values("penduduk", ind.KECAMATAN)[KECAMATAN]
    assert kec.hidden == (cell.flag != PublicStatCell.Flag.PUBLISHED)
    if not kec.hidden:
        assert kec.number == cell.value == 15


def test_density_is_hidden_with_its_population_and_computed_per_km2(world):
    density = _values("kepadatan")
    assert density[BERINGIN].hidden
    assert density[TELANG].number == pytest.approx(round(12 / (float(world["telang"].luas_ha) / 100), 1))


def test_counts_sum_to_kecamatan(world):
    assert _values("fasilitas")[TELANG].number == 2
    assert _values("fasilitas")[BERINGIN].number == 0
    assert _values("fasilitas", ind.KECAMATAN)[KECAMATAN].number == 2
    assert _values("usaha")[TELANG].number == 1  # the closed one does not count
    assert _values("jalan-km")[TELANG].number == 1.5


def test_land_cover_shares_are_recomputed_for_the_kecamatan(world):
    assert _values("hutan-alam-persen")[TELANG].number == 30.0
    assert _values("hutan-alam-ha")[TELANG].number == 30.0
    assert _values("hutan-alam-persen", ind.KECAMATAN)[KECAMATAN].number == 30.0  # 30 of 100 mapped ha
    assert _values(f"tutupan-{world['other'].code}")[TELANG].number == 70.0
    assert BERINGIN not in _values("hutan-alam-persen")  # nothing mapped there: no data, not 0


def test_idm_prefers_the_official_result_and_kecamatan_is_the_mean(world):
    official = Result.objects.filter(series="resmi", is_current=True, year=2024).select_related("dusun")
    assert official.exists()
    values = _values("idm-2024")
    for r in official:
        assert values[r.dusun.kode].number == pytest.approx(round(float(r.value), 4))
    kec = official.first().dusun.parent.kode
    mine = [round(float(r.value), 4) for r in official if r.dusun.parent.kode == kec]
    assert _values("idm-2024", ind.KECAMATAN)[kec].number == pytest.approx(round(sum(mine) / len(mine), 4))


def test_registry_documents_every_indicator(world):
    for indicator in ind.registry().values():
        assert indicator.name and indicator.unit and indicator.source and indicator.computation and indicator.year


def test_one_query_per_indicator_not_per_village(world, django_assert_max_num_queries):
    ctx = ind.Context()
    registry = ind.registry(ctx)
    with django_assert_max_num_queries(len(registry) + 10):
        for indicator in registry.values():
            indicator.values(ctx)
            indicator.values(ctx, ind.KECAMATAN)


def test_kecamatan_density_uses_the_kecamatan_own_published_population(world):
    from dusun.wilayah.models import Wilayah

    kec = Wilayah.objects.get(kode=KECAMATAN)
    pop = _values("penduduk", ind.KECAMATAN)[KECAMATAN]
    density = _values("kepadatan", ind.KECAMATAN)[KECAMATAN]
    assert density.hidden == pop.hidden
    if not pop.hidden:
        assert density.number == pytest.approx(round(pop.number / (float(kec.luas_ha) / 100), 1))


def test_idm_status_is_a_category_compared_but_not_mapped(world):
    registry = ind.registry()
    status = registry["idm-status-2024"]
    assert status.categorical and not status.mappable and status.levels == (ind.DUSUN,)
    official = Result.objects.filter(series="resmi", is_current=True, year=2024).first()
    value = _values("idm-status-2024")[official.dusun.kode]
    assert value.label and ind.display(value) == value.label and ind.export_value(value) == value.label


def test_demo_data_is_said(world):
    from dusun.ruang.models import Facility

    ctx = ind.Context()
    assert "ruang" not in ctx.demo_modules
    Facility.objects.create(dusun=world["telang"], kind="sd", geom=world["telang"].geom.point_on_surface, is_demo=True)
    ctx = ind.Context()
    registry = ind.registry(ctx)
    assert registry["fasilitas"].is_demo(ctx) and not registry["luas"].is_demo(ctx)

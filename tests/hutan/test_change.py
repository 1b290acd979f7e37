"""The change matrix: closure of rows and columns, unmapped area, legends, overlaps, cache invalidation."""

import pytest
from django.db.models import Sum

from dusun.hutan import selectors, services
from dusun.hutan.change import ChangeError
from dusun.hutan.models import ChangeRun, ChangeVillage
from dusun.ruang.models import LandCover, LandCoverSnapshot, Legend, LegendClass, LegendMapping

from .conftest import X0, Y0, D, add_polygon, square

pytestmark = pytest.mark.django_db


def class_areas(snapshot, village) -> dict[int, float]:
    rows = LandCover.objects.filter(snapshot=snapshot, dusun=village).values("klass").annotate(ha=Sum("area_ha"))
    return {r["klass"]: float(r["ha"]) for r in rows}


def test_hand_matrix_cells_and_unmapped(hand):
    m = selectors.village_matrix(hand.village, hand.first, hand.second)
    p1, p2, q2 = float(hand.p1.area_ha), float(hand.p2.area_ha), float(hand.q2.area_ha)
    assert m.cells[(hand.forest.pk, hand.palm.pk)] == pytest.approx(p1, abs=1e-9)
    assert m.cells[(hand.rubber.pk, hand.rubber.pk)] == pytest.approx(q2, abs=0.001)
    # The eastern half of p2 is not mapped in 2020: it is the "tidak terpetakan" column, not lost.
    assert m.cells[(hand.rubber.pk, None)] == pytest.approx(p2 - q2, abs=0.001)
    assert m.cells[(hand.rubber.pk, None)] > 50
    assert m.loss_ha == pytest.approx(p1, abs=1e-9)
    assert m.gain_ha == 0
    assert m.natural_forest_from == pytest.approx(p1) and m.natural_forest_to == 0


def test_rows_and_columns_close_on_hand_data(hand):
    m = selectors.village_matrix(hand.village, hand.first, hand.second)
    for klass, ha in class_areas(hand.first, hand.village).items():
        assert abs(m.row_total(klass) - ha) <= 0.01
    for klass, ha in class_areas(hand.second, hand.village).items():
        assert abs(m.col_total(klass) - ha) <= 0.01


def test_overlapping_polygons_are_refused_and_nothing_stored(hand):
    add_polygon(hand.second, hand.village, hand.rubber, square(X0 + D / 2, Y0))  # overlaps the palm square
    with pytest.raises(ChangeError, match="tumpang tindih"):
        selectors.village_matrix(hand.village, hand.first, hand.second)
    assert not ChangeVillage.objects.exists()


def test_different_legends_need_a_mapping(hand):
    other = Legend.objects.create(code="uji-lain", name="Legenda uji")
    hutan = LegendClass.objects.create(
        legend=other, code="H", name_id="Hutan uji", colour="#006600", natural_forest=True
    )
    snapshot = LandCoverSnapshot.objects.create(year=2000, legend=other, name="Uji 2000")
    add_polygon(snapshot, hand.village, hutan, square(X0, Y0))
    with pytest.raises(ChangeError, match="legenda berbeda"):
        selectors.village_matrix(hand.village, snapshot, hand.second)
    assert not ChangeRun.objects.exists()
    LegendMapping.objects.create(source_class=hutan, target_class=hand.forest)
    m = selectors.village_matrix(hand.village, snapshot, hand.second)
    assert m.cells[(hand.forest.pk, hand.palm.pk)] == pytest.approx(float(hand.p1.area_ha), abs=0.001)


def test_cached_matrix_is_recomputed_when_land_cover_changes(hand):
    selectors.village_matrix(hand.village, hand.first, hand.second)
    stored = ChangeVillage.objects.get()
    hand.q2.delete()
    m = selectors.village_matrix(hand.village, hand.first, hand.second)
    assert not ChangeVillage.objects.filter(pk=stored.pk).exists()
    assert m.cells[(hand.rubber.pk, None)] == pytest.approx(float(hand.p2.area_ha), abs=1e-9)


def test_kabupaten_run_sums_villages(hand):
    run = services.current_run(hand.first, hand.second)
    services.compute_all(run.pk)
    run.refresh_from_db()
    assert run.status == ChangeRun.Status.DONE and run.progress == 100
    kab, _run = selectors.area_matrix(services.kabupaten(), hand.first, hand.second)
    village = selectors.village_matrix(hand.village, hand.first, hand.second)
    assert kab.cells == pytest.approx(village.cells)


def test_alert_threshold(hand, settings):
    settings.DUSUN_HUTAN_ALERT_LOSS_PCT = 50.0
    settings.DUSUN_HUTAN_ALERT_MIN_HA = 1.0
    assert selectors.village_matrix(hand.village, hand.first, hand.second).alert  # all forest lost: 100 %
    settings.DUSUN_HUTAN_ALERT_MIN_HA = 1_000_000.0
    assert not selectors.village_matrix(hand.village, hand.first, hand.second).alert


def test_loss_inside_managed_areas_and_change_polygons(hand):
    from dusun.ruang.models import ManagedArea, ManagedAreaKind

    ManagedArea.objects.create(
        dusun=hand.village, kind=ManagedAreaKind.HUTAN_DESA, name="HD uji", geom=square(X0, Y0, w=D / 2)
    )
    features = selectors.change_features(hand.village, hand.first, hand.second)
    [loss] = [f for f in features.geojson["features"] if f["properties"]["jenis"] == "loss"]
    assert loss["properties"]["luas_ha"] == pytest.approx(float(hand.p1.area_ha), abs=0.001)
    [(kind, ha)] = features.loss_in_managed
    assert kind == "Hutan desa" and ha == pytest.approx(float(hand.p1.area_ha) / 2, rel=0.01)


@pytest.mark.parametrize("extra_paired", [0, 3])
def test_overlap_with_a_paired_polygon_is_found_from_either_side(hand, extra_paired):
    """The (paired a, unpaired b) pairs are found driven from the unpaired b's or from the paired a's,
    whichever set is smaller; both must find an unpaired polygon lying over a paired one."""
    for i in range(extra_paired):  # identical outlines in both snapshots: more paired than unpaired
        geom = square(X0 + i * D, Y0 + 2 * D)
        add_polygon(hand.first, hand.village, hand.rubber, geom)
        add_polygon(hand.second, hand.village, hand.rubber, geom)
    matrix = selectors.village_matrix(hand.village, hand.first, hand.second)
    assert matrix.cells[(hand.rubber.pk, hand.rubber.pk)] == pytest.approx(
        float(hand.q2.area_ha) + sum(float(p.area_ha) for p in LandCover.objects.filter(
            snapshot=hand.second, dusun=hand.village, geom__bboverlaps=square(X0, Y0 + 2 * D, w=3 * D))),
        abs=0.001,
    )  # fmt: skip
    add_polygon(hand.second, hand.village, hand.rubber, square(X0 + D / 4, Y0, w=D / 2))  # lies over the palm
    with pytest.raises(ChangeError, match="tumpang tindih"):
        selectors.village_matrix(hand.village, hand.first, hand.second)


def test_overlap_among_polygons_identical_in_both_snapshots(hand):
    """Two overlapping polygons present unchanged in both snapshots are each paired with their twin only, so
    no intersection shows the overlap: the paired-overlap check must refuse it (it was counted twice)."""
    geom = square(X0 + D / 2, Y0 + 2 * D)
    for snapshot in (hand.first, hand.second):
        add_polygon(snapshot, hand.village, hand.rubber, square(X0, Y0 + 2 * D))
        add_polygon(snapshot, hand.village, hand.rubber, geom)  # overlaps the one above by half
    with pytest.raises(ChangeError, match="tumpang tindih .* terhitung dua kali"):
        selectors.village_matrix(hand.village, hand.first, hand.second)
    assert not ChangeVillage.objects.exists()
    run = services.current_run(hand.first, hand.second)
    services.compute_all(run.pk)  # the background run fails with the same message
    run.refresh_from_db()
    assert run.status == ChangeRun.Status.FAILED and "terhitung dua kali" in run.message

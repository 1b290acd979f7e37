"""Sub-units (kampung/RT) below a village take the village code plus a local segment."""

import pytest
from django.core.exceptions import ValidationError

from dusun.wilayah.models import Jenis, Level, Wilayah
from dusun.wilayah.services import create_subunit


def test_rt_below_a_village_is_inside_its_scope(reference_data):
    telang = Wilayah.objects.get(kode="15.08.14.2009")
    rt = create_subunit(telang, "rt01", "RT 01 Dusun Baru", Jenis.RT)
    assert rt.kode == "15.08.14.2009.RT01" and rt.level == Level.SUBUNIT and rt.parent == telang
    assert rt in Wilayah.objects.within(telang)
    assert rt not in Wilayah.objects.villages()


@pytest.mark.parametrize(("segment", "jenis"), [("RT 01", Jenis.RT), ("RT01", Jenis.DESA), ("", Jenis.RT)])
def test_bad_subunits_are_refused(reference_data, segment, jenis):
    telang = Wilayah.objects.get(kode="15.08.14.2009")
    with pytest.raises(ValidationError):
        create_subunit(telang, segment, "X", jenis)


def test_subunit_only_below_a_village(reference_data):
    with pytest.raises(ValidationError):
        create_subunit(Wilayah.objects.get(kode="15.08.14"), "RT01", "X", Jenis.RT)

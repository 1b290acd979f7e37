"""The portal panel's data: the village's carbon schemes and whether a stored, current change matrix
flags its natural-forest loss (read only from stored results: the portal page never computes one)."""

from django import template
from django.db.models import Q, Sum

from dusun.ruang.selectors import data_version

from .. import selectors
from ..models import ChangeCell, ChangeVillage

register = template.Library()


@register.simple_tag
def hutan_village_panel(village) -> dict:
    stored = (
        ChangeVillage.objects.filter(dusun=village, run__data_version=data_version(["tutupan-lahan"]))
        .order_by("-run__to_snapshot__year", "run__from_snapshot__year")
        .first()
    )
    alert = False
    if stored is not None:
        nf = Q(from_class__natural_forest=True)
        sums = ChangeCell.objects.filter(village=stored).aggregate(
            nf=Sum("area_ha", filter=nf),
            loss=Sum("area_ha", filter=nf & Q(to_class__isnull=False, to_class__natural_forest=False)),
        )
        alert = selectors.is_alert(sums["loss"] or 0.0, sums["nf"] or 0.0)
    return {"schemes": selectors.schemes_of(village), "alert": alert}

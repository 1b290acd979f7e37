"""Writes to village economy data, each checked against the editor's area scope."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from dusun.akun import scope
from dusun.akun.audit import Action, log_access
from dusun.wilayah.models import Level, Wilayah

from .models import (
    Budget,
    BudgetLine,
    DusunCommodity,
    Enterprise,
    HouseholdCommodity,
    IncomeSource,
    Market,
    SpendingField,
)

# A derived village total over fewer producing households than this would publish one family's harvest.
MIN_PRODUCERS = 5


def _check(user, dusun: Wilayah) -> None:
    if dusun.level != Level.DESA or not scope.can_edit(user, dusun):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data ekonomi wilayah ini."))


@transaction.atomic
def save_budget_line(user, dusun: Wilayah, *, year: int, kind: str, code: str, planned, realised) -> BudgetLine:
    _check(user, dusun)
    valid = IncomeSource.values if kind == BudgetLine.Kind.INCOME else SpendingField.values
    if code not in valid:
        raise ValidationError(_("Kode pendapatan/bidang tidak sah."))
    if realised is not None and planned is not None and realised > planned * 2:
        raise ValidationError(_("Realisasi lebih dari dua kali anggaran: periksa angkanya."))
    budget, _created = Budget.objects.get_or_create(dusun=dusun, year=year, defaults={"updated_by": user})
    line, _created = BudgetLine.objects.update_or_create(
        budget=budget, kind=kind, code=code, defaults={"planned": planned, "realised": realised}
    )
    line.full_clean()
    budget.updated_by = user
    budget.save(update_fields=["updated_by", "updated_at"])
    return line


def delete_budget_line(user, line: BudgetLine) -> None:
    _check(user, line.budget.dusun)
    line.delete()


def _save_record(model, user, dusun: Wilayah, instance, fields: dict):
    """Create a record of the village, or update `instance` (which must belong to that same village)."""
    _check(user, dusun)
    if instance is None:
        instance = model(dusun=dusun)
    elif instance.dusun_id != dusun.pk:
        raise PermissionDenied(_("Data ini milik wilayah lain."))
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def save_enterprise(user, dusun: Wilayah, *, instance: Enterprise | None = None, **fields) -> Enterprise:
    return _save_record(Enterprise, user, dusun, instance, fields)


def delete_enterprise(user, enterprise: Enterprise) -> None:
    _check(user, enterprise.dusun)
    enterprise.delete()


def save_market(user, dusun: Wilayah, *, instance: Market | None = None, **fields) -> Market:
    return _save_record(Market, user, dusun, instance, fields)


def delete_market(user, market: Market) -> None:
    _check(user, market.dusun)
    market.delete()


def save_dusun_commodity(user, dusun: Wilayah, *, commodity, year: int, **fields) -> DusunCommodity:
    _check(user, dusun)
    row, _created = DusunCommodity.objects.update_or_create(
        dusun=dusun, commodity=commodity, year=year, defaults={**fields, "source": DusunCommodity.Source.REPORTED}
    )
    row.full_clean()
    return row


def delete_dusun_commodity(user, row: DusunCommodity) -> None:
    _check(user, row.dusun)
    row.delete()


@transaction.atomic
def derive_dusun_commodities(user, dusun: Wilayah, year: int) -> int:
    """Fill the village table from its households' production of that year. Commodities grown by fewer
    than MIN_PRODUCERS households are left out: the village total would be one family's harvest."""
    _check(user, dusun)
    rows = (
        HouseholdCommodity.objects.filter(household__dusun=dusun, year=year)
        .values("commodity")
        .annotate(n=Count("household", distinct=True), area=Sum("area_ha"), production=Sum("production_kg"))
    )
    saved = 0
    for row in rows:
        if row["n"] < MIN_PRODUCERS:
            continue
        DusunCommodity.objects.update_or_create(
            dusun=dusun,
            commodity_id=row["commodity"],
            year=year,
            defaults={
                "area_ha": row["area"],
                "production_kg": row["production"],
                "households": row["n"],
                "source": DusunCommodity.Source.DERIVED,
            },
        )
        saved += 1
    return saved


def save_household_commodity(
    user, household, *, commodity, year: int, area_ha, production_kg, price_per_kg, request=None
) -> HouseholdCommodity:
    """A household's production (personal data): editable by who may edit and read that village's register."""
    if not (scope.can_edit(user, household.dusun) and scope.can_view_personal(user, household.dusun)):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data keluarga ini."))
    row, _created = HouseholdCommodity.objects.update_or_create(
        household=household,
        commodity=commodity,
        year=year,
        defaults={
            "area_ha": area_ha,
            "production_kg": production_kg,
            "price_per_kg": price_per_kg,
            "is_demo": household.is_demo,
        },
    )
    row.full_clean()
    log_access(
        user,
        Action.EDIT,
        wilayah=household.dusun,
        object_type="ekonomi.householdcommodity",
        object_ref=household.uuid,
        record_count=1,
        request=request,
    )
    return row

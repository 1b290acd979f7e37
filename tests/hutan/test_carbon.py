"""Carbon stock and emissions equal a hand calculation exactly; factor tables refuse missing classes."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.hutan import selectors, services
from dusun.hutan.models import Factor, FactorEdit

from .conftest import factor

pytestmark = pytest.mark.django_db


def test_stock_and_emissions_equal_hand_calculation(hand, factor_table):
    m = selectors.village_matrix(hand.village, hand.first, hand.second)
    c = selectors.carbon(m, factor_table)
    f_forest, f_rubber, f_palm = (factor(factor_table, k) for k in (hand.forest, hand.rubber, hand.palm))
    p1, p2 = hand.p1.area_ha, hand.p2.area_ha  # Decimal, 4 places, as stored
    assert c.total_from == p1 * f_forest + p2 * f_rubber
    q2 = Decimal(f"{m.col_total(hand.rubber.pk):.4f}")
    assert c.total_to == p1 * f_palm + q2 * f_rubber
    assert c.emissions_tc == p1 * (f_forest - f_palm)
    assert c.removals_tc == 0
    assert c.emissions_co2e == p1 * (f_forest - f_palm) * Decimal(44) / Decimal(12)
    # Traceable: the one transition line is the forest → palm area with both factors.
    [line] = c.transitions
    assert (line.from_class, line.to_class, line.ha, line.from_factor, line.to_factor) == (
        hand.forest,
        hand.palm,
        p1,
        f_forest,
        f_palm,
    )


def test_missing_factor_is_refused_by_name(hand, factor_table):
    Factor.objects.filter(table=factor_table, klass=hand.palm).delete()
    m = selectors.village_matrix(hand.village, hand.first, hand.second)
    with pytest.raises(selectors.CarbonError, match=hand.palm.name_id):
        selectors.carbon(m, factor_table)


def test_factor_edit_by_kabupaten_admin_keeps_history(hand, factor_table):
    admin = User.objects.create_user("kab")
    assign_role(admin, Role.KABUPATEN, services.kabupaten())
    before = factor(factor_table, hand.palm)
    services.set_factor(admin, factor_table, hand.palm, "50.5", "Uji lapangan 2024")
    factor_table.refresh_from_db()
    assert factor(factor_table, hand.palm) == Decimal("50.50") and factor_table.version == 2
    edit = FactorEdit.objects.get()
    assert (edit.old_tc_ha, edit.new_tc_ha, edit.user, edit.version) == (before, Decimal("50.50"), admin, 2)


def test_factor_edit_refused_for_operator_and_negative(hand, factor_table):
    operator = User.objects.create_user("op")
    assign_role(operator, Role.OPERATOR, hand.village)
    with pytest.raises(PermissionDenied):
        services.set_factor(operator, factor_table, hand.palm, "1", "x")
    admin = User.objects.create_user("kab")
    assign_role(admin, Role.KABUPATEN, services.kabupaten())
    with pytest.raises(services.LedgerError, match="negatif"):
        services.set_factor(admin, factor_table, hand.palm, "-1", "x")
    assert not FactorEdit.objects.exists()


def test_the_default_factor_table_loads_once_and_keeps_later_edits(reference_data):
    from django.core.management import call_command

    from dusun.hutan.models import Factor, FactorTable
    from dusun.ruang.models import LegendClass

    call_command("load_carbon_factors", verbosity=0)
    table = FactorTable.objects.get(is_default=True)
    with_stock = LegendClass.objects.filter(legend__code="icraf-bungo", carbon_tc_ha__isnull=False)
    assert table.factors.count() == with_stock.count() > 0
    Factor.objects.filter(table=table, klass=with_stock.first()).update(tc_ha=1)  # an admin's correction
    call_command("load_carbon_factors", verbosity=0)
    assert FactorTable.objects.count() == 1
    assert Factor.objects.get(table=table, klass=with_stock.first()).tc_ha == 1

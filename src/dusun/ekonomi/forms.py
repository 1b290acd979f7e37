"""Forms of the economy pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BudgetLine, Commodity, EnterpriseKind, IncomeSource, MarketKind, Sector, SpendingField


def _year():
    return timezone.localdate().year


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100, initial=_year)
    kind = forms.ChoiceField(label=_("Jenis"), choices=BudgetLine.Kind.choices)
    code = forms.ChoiceField(
        label=_("Sumber/bidang"),
        choices=[(_("Pendapatan"), IncomeSource.choices), (_("Belanja"), SpendingField.choices)],
    )
    planned = forms.DecimalField(label=_("Anggaran (Rp)"), min_value=0, max_digits=15, decimal_places=0)
    realised = forms.DecimalField(
        label=_("Realisasi (Rp)"), min_value=0, max_digits=15, decimal_places=0, required=False
    )


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Nama usaha"), max_length=150)
    kind = forms.ChoiceField(label=_("Bentuk"), choices=EnterpriseKind.choices)
    sector = forms.ChoiceField(label=_("Sektor"), choices=Sector.choices)
    year_established = forms.IntegerField(label=_("Tahun berdiri"), min_value=1900, max_value=2100, required=False)
    turnover_per_year = forms.DecimalField(
        label=_("Omzet per tahun (Rp)"), min_value=0, max_digits=15, decimal_places=0, required=False
    )
    workers = forms.IntegerField(label=_("Tenaga kerja"), min_value=0, required=False)
    # Read by IDM (active cooperatives/BUMDes): a business that has stopped is recorded as not active.
    active = forms.BooleanField(label=_("Masih beroperasi"), required=False, initial=True)


class MarketForm(forms.Form):
    name = forms.CharField(label=_("Nama pasar"), max_length=150)
    kind = forms.ChoiceField(label=_("Jenis"), choices=MarketKind.choices)
    market_day = forms.CharField(label=_("Hari pasar"), max_length=40, required=False)


class DusunCommodityForm(forms.Form):
    commodity = forms.ModelChoiceField(label=_("Komoditas"), queryset=Commodity.objects.all())
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100, initial=_year)
    area_ha = forms.DecimalField(label=_("Luas (ha)"), min_value=0, max_digits=10, decimal_places=2, required=False)
    production_kg = forms.DecimalField(
        label=_("Produksi (kg)"), min_value=0, max_digits=14, decimal_places=1, required=False
    )
    price_per_kg = forms.DecimalField(
        label=_("Harga rata-rata (Rp/kg)"), min_value=0, max_digits=10, decimal_places=0, required=False
    )


class HouseholdCommodityForm(forms.Form):
    commodity = forms.ModelChoiceField(label=_("Komoditas"), queryset=Commodity.objects.all())
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100, initial=_year)
    area_ha = forms.DecimalField(label=_("Luas (ha)"), min_value=0, max_digits=8, decimal_places=2, required=False)
    production_kg = forms.DecimalField(
        label=_("Produksi (kg)"), min_value=0, max_digits=12, decimal_places=1, required=False
    )
    price_per_kg = forms.DecimalField(
        label=_("Harga jual (Rp/kg)"), min_value=0, max_digits=10, decimal_places=0, required=False
    )


class DeriveForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100, initial=lambda: _year() - 1)

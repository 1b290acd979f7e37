from django import forms
from django.utils.translation import gettext_lazy as _

from dusun.ruang.models import LegendClass


class FactorForm(forms.Form):
    klass = forms.ModelChoiceField(LegendClass.objects.none(), label=_("Kelas"))
    tc_ha = forms.DecimalField(label=_("Stok karbon (tC/ha)"), min_value=0, max_digits=8, decimal_places=2)
    note = forms.CharField(label=_("Alasan/sumber perubahan"), max_length=300)

    def __init__(self, table, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["klass"].queryset = LegendClass.objects.filter(legend=table.legend)

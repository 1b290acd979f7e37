"""Forms of the field-collection pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DeviceForm(forms.Form):
    name = forms.CharField(
        label=_("Nama perangkat/petugas"), max_length=80, help_text=_("Misalnya: HP Pak Rudi (RT 02).")
    )


class ApproveForm(forms.Form):
    accept_conflict = forms.BooleanField(label=_("Timpa perubahan itu: isian lapangan ini yang benar"), required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"min_length": _("Tulis alasan penolakan (paling sedikit 5 huruf) agar petugas tahu.")},
    )


class ImportForm(forms.Form):
    formulir = forms.ModelChoiceField(
        label=_("Formulir"), queryset=None, help_text=_("Formulir yang sama dengan yang dipakai di Kobo/Central.")
    )
    berkas = forms.FileField(
        label=_("Berkas ekspor"), help_text=_("CSV, ZIP dari ODK Central, XLSX dari KoboToolbox, atau GeoJSON.")
    )

    def __init__(self, *args, forms_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formulir"].queryset = forms_queryset

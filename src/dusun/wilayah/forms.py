"""The form an operator fills to edit the public profile of their village (portal: /dusun/<kode>/profil/ubah/)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProfilDusun


class ProfilDusunForm(forms.ModelForm):
    # Declared here for `assume_scheme`: an address typed without a scheme becomes https://, not http://.
    situs_web = forms.URLField(
        label=ProfilDusun._meta.get_field("situs_web").verbose_name,
        help_text=ProfilDusun._meta.get_field("situs_web").help_text,
        required=False,
        assume_scheme="https",
        max_length=200,
        error_messages={"invalid": _("Alamat situs web tidak valid; tulis lengkap, mis. https://dusun.id.")},
    )

    class Meta:
        model = ProfilDusun
        fields = ["sejarah", "rio_nama", "rio_mulai", "rio_selesai", "alamat_kantor", "telepon", "email", "situs_web"]
        widgets = {
            "sejarah": forms.Textarea(attrs={"rows": 8}),
            "rio_mulai": forms.NumberInput(attrs={"min": 1900, "max": 2100, "inputmode": "numeric"}),
            "rio_selesai": forms.NumberInput(attrs={"min": 1900, "max": 2100, "inputmode": "numeric"}),
            "telepon": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        error_messages = {
            "email": {"invalid": _("Alamat surel tidak valid; tulis seperti kantor@dusun.id.")},
            "rio_mulai": {"invalid": _("Tulis tahun dengan angka, mis. 2021.")},
            "rio_selesai": {"invalid": _("Tulis tahun dengan angka, mis. 2027.")},
        }

"""Forms of the account pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=80,
        help_text=_("Untuk apa token ini dipakai, mis. dasbor Bappeda."),
        error_messages={"required": _("Isi nama token, mis. dasbor Bappeda.")},
    )
    days = forms.TypedChoiceField(
        label=_("Berlaku"),
        coerce=int,
        choices=[(30, _("30 hari")), (90, _("90 hari")), (365, _("1 tahun")), (0, _("tanpa batas"))],
        initial=90,
        error_messages={
            "invalid_choice": _("Pilih masa berlaku dari daftar: 30 hari, 90 hari, 1 tahun atau tanpa batas.")
        },
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Isi nama token, mis. dasbor Bappeda."))
        return name

"""Forms: the questionnaire-shaped score entry, the simulator and the official upload."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Item

OFFICIAL_MAX_BYTES = 2 * 1024 * 1024  # one rumusan JSON is about 20 kB
OFFICIAL_MAX_FILES = 200


def score_choices(item: Item, max_score: int, min_score: int, current: int | None) -> list[tuple[str, str]]:
    """The item's bands (with their official wording), plus the other scores when the bands are incomplete."""
    choices = [("", _("— belum diisi —"))]
    known = set()
    for band in item.bands.all():
        label = f"{band.score} — {band.text}"
        if not band.verified:
            label += " " + _("(pita belum terverifikasi)")
        choices.append((str(band.score), label))
        known.add(band.score)
    others = [s for s in range(max_score, min_score - 1, -1) if s not in known]
    for score in others:
        if not item.bands_complete or score == current:
            choices.append((str(score), _("%(s)s — uraian resmi untuk skor ini belum diketahui") % {"s": score}))
    return choices


class EntryForm(forms.Form):
    """One select per item, named by the item code; blank means "not entered" (the item stays missing)."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, items: list[Item], min_score: int, max_score: int, current: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[item.code] = forms.TypedChoiceField(
                label=f"{item.code} {item.official_label}",
                choices=score_choices(item, max_score, min_score, current.get(item.code)),
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(current[item.code]) if item.code in current else "",
            )

    def entries(self) -> dict[str, int | None]:
        return {item.code: self.cleaned_data.get(item.code) for item in self.items}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleJSONField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": ".json,application/json"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError(_("Pilih paling sedikit satu berkas JSON."))
        if len(files) > OFFICIAL_MAX_FILES:
            raise forms.ValidationError(
                _("Paling banyak %(n)s berkas sekali unggah; pecah menjadi beberapa unggahan.")
                % {"n": OFFICIAL_MAX_FILES}
            )
        problems = [
            _("%(f)s lebih besar dari %(kb)s kB; ini bukan berkas rumusan IDM.")
            % {"f": f.name, "kb": OFFICIAL_MAX_BYTES // 1024}
            for f in files
            if f.size > OFFICIAL_MAX_BYTES
        ]
        if problems:
            raise forms.ValidationError(problems)
        return [super(MultipleJSONField, self).clean(f, initial) for f in files]


class OfficialUploadForm(forms.Form):
    files = MultipleJSONField(
        label=gettext_lazy("Berkas JSON rumusan IDM Kemendesa"),
        help_text=gettext_lazy(
            "Satu berkas per desa per tahun, persis seperti jawaban "
            "idm.kemendesa.go.id/open/api/desa/rumusan/<kode>/<tahun>. Boleh memilih banyak berkas sekaligus."
        ),
    )

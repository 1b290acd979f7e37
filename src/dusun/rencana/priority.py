"""The transparent priority score. Each component is a number between 0 and 1, compared within the set
of proposals being ranked (one village's year at the musyawarah, all forwarded proposals at the kabupaten):

- beneficiaries: households inside the location ÷ the largest number in the set;
- IDM gain: score points the linked IDM items can still gain (max − current) ÷ the largest in the set;
- urgency: (urgency − 1) ÷ 4, as the musyawarah judged it;
- cost per beneficiary: the cheapest cost per household in the set ÷ this one's (cheaper per KK = higher);
- spatial equity: 1 − the village's latest IDM value (villages further behind come first).

score = Σ weight × component ÷ Σ weights × 100. The reasons list carries each term so the page can show
why a proposal stands where it does.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .evidence import idm_scores
from .models import WEIGHT_FIELDS

IDM_MAX_SCORE = 5


@dataclass
class Inputs:
    households: int
    idm_points: int
    urgency: int
    cost: float
    village_idm: float | None


def inputs_for(proposal, scores_cache: dict) -> Inputs:
    if proposal.dusun_id not in scores_cache:
        result, scores = idm_scores(proposal.dusun)
        scores_cache[proposal.dusun_id] = (float(result.value) if result and result.value else None, scores)
    village_idm, scores = scores_cache[proposal.dusun_id]
    points = sum(IDM_MAX_SCORE - scores[c][0] for c in proposal.idm_items if c in scores)
    return Inputs(
        households=proposal.beneficiary_households,
        idm_points=points,
        urgency=proposal.urgency,
        cost=float(proposal.cost),
        village_idm=village_idm,
    )


def score_all(inputs: list[Inputs], weights: dict[str, int]) -> list[tuple[float, list[str]]]:
    if not inputs:
        return []
    max_hh = max(i.households for i in inputs) or 1
    max_points = max(i.idm_points for i in inputs) or 1
    per_hh = [i.cost / i.households if i.households else None for i in inputs]
    cheapest = min((c for c in per_hh if c), default=None)
    total_weight = sum(weights[f] for f in WEIGHT_FIELDS) or 1
    out = []
    for i, cpb in zip(inputs, per_hh, strict=True):
        parts = {
            "beneficiaries": (
                i.households / max_hh,
                _("%(n)s KK penerima manfaat (terbanyak di daftar: %(m)s)") % {"n": i.households, "m": max_hh},
            ),
            "idm_gain": (
                i.idm_points / max_points,
                _("dapat menaikkan %(p)s poin skor indikator IDM") % {"p": i.idm_points},
            ),
            "urgency": ((i.urgency - 1) / 4, _("urgensi %(u)s dari 5") % {"u": i.urgency}),
            "cost_efficiency": (
                (cheapest / cpb) if cpb and cheapest else 0.0,
                _("Rp %(c)s per KK") % {"c": f"{cpb:,.0f}".replace(",", ".")}
                if cpb
                else _("belum ada KK penerima manfaat di lokasi"),
            ),
            "equity": (
                1 - i.village_idm if i.village_idm is not None else 0.5,
                _("nilai IDM desa %(v)s") % {"v": f"{i.village_idm:.4f}".replace(".", ",")}
                if i.village_idm is not None
                else _("IDM desa belum ada (dihitung 0,5)"),
            ),
        }
        score = sum(weights[f] * parts[f][0] for f in WEIGHT_FIELDS) / total_weight * 100
        # Decimal comma on the component only: the sentence already has its own "Rp 12.500.000" separators.
        reasons = [
            f"{parts[f][1]} → " + f"{parts[f][0]:.2f}".replace(".", ",") + f" × {weights[f]}" for f in WEIGHT_FIELDS
        ]
        out.append((round(score, 1), reasons))
    return out

"""Account pages: the user's own API tokens (create, list, revoke)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import tokens
from .forms import TokenForm
from .models import ApiToken


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """Create a token (its key is shown on this response only) and see or revoke one's own tokens."""
    form = TokenForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST":
        if tokens.active_tokens(request.user).count() >= tokens.MAX_ACTIVE_TOKENS:
            form.add_error(
                None,
                _("Anda sudah punya %(n)s token aktif; cabut token yang tidak dipakai lagi sebelum membuat yang baru.")
                % {"n": tokens.MAX_ACTIVE_TOKENS},
            )
        if form.is_valid():
            token, new_key = tokens.create_token(request.user, form.cleaned_data["name"], form.cleaned_data["days"])
            form = TokenForm()
        else:
            status = 400
    rows = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    context = {"form": form, "new_key": new_key, "tokens": rows, "now_dt": timezone.now()}
    response = render(request, "akun/tokens.html", context, status=status)
    return response  # never_cache: the page may carry a key, so no cache or proxy keeps it (no-store)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if tokens.revoke_token(request.user, pk):
        messages.success(request, _("Token dicabut; aplikasi yang memakainya kini ditolak (401)."))
    else:
        messages.error(request, _("Token tidak ditemukan atau sudah dicabut."))
    return redirect("akun:tokens")

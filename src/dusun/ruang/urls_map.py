"""URLs: map (see ruang/urls.py)."""

urlpatterns: list = []

"""URLs: edit (see ruang/urls.py)."""

urlpatterns: list = []

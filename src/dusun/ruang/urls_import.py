"""URLs: import (see ruang/urls.py)."""

urlpatterns: list = []

"""URLs of the rencana module."""

app_name = "rencana"
urlpatterns = []

"""URLs of the hutan module."""

app_name = "hutan"
urlpatterns = []

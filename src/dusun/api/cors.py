"""Cross-origin reads of the public JSON under /api/v1/ (dashboards and notebooks on other sites).

`Access-Control-Allow-Origin: *` is safe here because the API never trusts ambient credentials: callers
are identified only by an explicit `Authorization` header (dusun.api.auth), and browsers never attach
cookies to a request whose answer says `*`. Only reads are allowed across origins; the preflight that
a header such as Authorization triggers is answered here (204) before any view runs.
"""

from django.http import HttpRequest, HttpResponse

PREFIX = "/api/v1/"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = "Authorization, Accept, Accept-Language"
PREFLIGHT_MAX_AGE = str(24 * 3600)


class ApiCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        else:
            response = self.get_response(request)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            response["Access-Control-Allow-Origin"] = "*"
        return response

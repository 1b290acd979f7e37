"""Logging filters: secrets that travel in URLs never reach the logs.

Field devices authenticate with a token in the server URL (`/lapangan/odk/<token>/…`, decision 0010), so
Django's own request lines ("Not Found: /lapangan/odk/…", runserver's access lines) would write it out.
"""

import logging
import re

DEVICE_TOKEN = re.compile(r"(/lapangan/odk/)[^/\s\"']+")


class RedactDeviceTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = DEVICE_TOKEN.sub(r"\1[token]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

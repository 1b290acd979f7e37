"""Device tokens travel in the OpenRosa server URL; the log handlers must never write them out."""

import logging

from django.conf import settings

from dusun.logfilters import RedactDeviceTokens


def test_device_tokens_are_redacted_from_log_lines():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/lapangan/odk/s3cr3t-t0ken/formList",), None
    )
    assert RedactDeviceTokens().filter(record)
    assert record.getMessage() == "Not Found: /lapangan/odk/[token]/formList"
    assert "s3cr3t" not in record.getMessage()


def test_the_console_handler_uses_the_filter():
    assert "redact_tokens" in settings.LOGGING["handlers"]["console"]["filters"]

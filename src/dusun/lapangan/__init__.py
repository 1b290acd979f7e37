"""Lapangan: offline field collection with ODK Collect/KoboCollect (OpenRosa server, XLSForms, review queue)."""

"""Wilayah: the administrative hierarchy (provinsi → kabupaten → kecamatan → dusun → sub-units)."""

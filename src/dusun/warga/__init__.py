"""Warga: households (KK) and residents, the census register, statistics and privacy."""

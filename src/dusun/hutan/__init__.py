"""Hutan: land-cover change between snapshots, natural-forest loss, carbon stock and emissions,
community carbon ledger, alerts."""

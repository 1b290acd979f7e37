"""Ruang: micro-spatial layers per village (land cover, facilities, lines, potentials, hazards, …)."""

"""Indeks: village development indices (IDM 2016 rumusan; later Indeks Desa 2024), scoring, history."""

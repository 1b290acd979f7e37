"""Akun: users, roles scoped to an area, and the one place where area scope is decided."""

"""Ekonomi: commodities, enterprises (BUMDes, UMKM, koperasi) and village finance (APBDes)."""

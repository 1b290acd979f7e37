"""Dusun Online: the Potensi Ruang Mikro platform of Kabupaten Bungo."""

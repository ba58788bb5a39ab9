"""One adapter per input format to canonical tables: SSD extract, SSDA903, CIN census, Annex A."""

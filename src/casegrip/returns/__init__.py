"""Statutory returns: build and validate SSDA903 and CIN census; build Ofsted Annex A."""

"""Charts (Vega-Lite specs) and packs (HTML, PDF, spreadsheet, Word)."""

"""The canonical case-record schema: SSD 1.4.5 tables, casegrip's SSD-style additions, findings."""

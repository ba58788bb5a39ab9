"""The canonical case-record schema: SSD-aligned tables and code lists."""

"""SSDA903 rules that apply only to collection years before 2025 (the DfE validator's
2022/23 and 2023/24 rule packs), where they differ from or are absent in later years."""

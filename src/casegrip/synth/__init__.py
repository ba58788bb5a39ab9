"""The synthetic authority: organisation, case record and oversight record, all invented."""

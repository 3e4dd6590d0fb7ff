"""Pure helpers that know nothing of Followup's apps (docs/architecture.md): disclosure control,
CSV downloads, reading untrusted tables, archives, XML and YAML safely, and who is acting."""

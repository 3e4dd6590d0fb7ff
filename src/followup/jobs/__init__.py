"""Background work: jobs people can see, run as Django tasks by ``followup worker``."""

"""Dates as people in the UK write them, wherever a template shows a date without a format of
its own: "31 July 2020", "31 July 2020, 14:05" (``followup.lib.dates`` writes the same)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"

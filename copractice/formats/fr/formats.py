"""How dates and times read in Canadian French: 27 novembre 2026, 17 h 00 (non-breaking spaces
around the h, as the Office québécois de la langue française writes times)."""

DATE_FORMAT = "j F Y"  # 27 novembre 2026
DATETIME_FORMAT = "j F Y, G\u00a0\\h\u00a0i"  # 27 novembre 2026, 17 h 00
TIME_FORMAT = "G\u00a0\\h\u00a0i"  # 17 h 00
YEAR_MONTH_FORMAT = "F Y"  # novembre 2026
MONTH_DAY_FORMAT = "j F"  # 27 novembre
SHORT_DATE_FORMAT = "l j F Y"  # vendredi 27 novembre 2026
SHORT_DATETIME_FORMAT = (
    "j N, G\u00a0\\h\u00a0i"  # 27 nov., 17 h 00 (N: Django's "M" gives "Jui" for June and July)
)
FIRST_DAY_OF_WEEK = 1  # lundi
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"
NUMBER_GROUPING = 3

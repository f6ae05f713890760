"""How dates and times read in English (`{{ value|date:"DATE_FORMAT" }}` and the other names):
27 Nov 2026, 17:00. Templates use these names, never a format of their own, so that French
reads as French (copractice/formats/fr/formats.py)."""

DATE_FORMAT = "j M Y"  # 27 Nov 2026
DATETIME_FORMAT = "j M Y, H:i"  # 27 Nov 2026, 17:00
TIME_FORMAT = "H:i"  # 17:00
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j M"  # 27 Nov
SHORT_DATE_FORMAT = "D j M Y"  # Fri 27 Nov 2026
SHORT_DATETIME_FORMAT = "j M H:i"  # 27 Nov 17:00
FIRST_DAY_OF_WEEK = 1  # Monday

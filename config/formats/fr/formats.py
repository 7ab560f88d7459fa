# Months as each language abbreviates them: "1 déc. 2026", "1 juin 2026" (Django's "N").
DATE_FORMAT = "j N Y"
SHORT_DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
SHORT_DATETIME_FORMAT = "j N Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "N Y"
MONTH_DAY_FORMAT = "j N"
DECIMAL_SEPARATOR = ","
# A narrow no-break space, as French typography wants, so that a number never breaks over lines.
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3

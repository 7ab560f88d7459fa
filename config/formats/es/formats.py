# Months in lower case, as Spanish writes them: "1 dic 2026".
DATE_FORMAT = "j b Y"
SHORT_DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y, H:i"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "b Y"
MONTH_DAY_FORMAT = "j b"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3

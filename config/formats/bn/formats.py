# Bengali, in India and in Bangladesh, groups by lakh and crore: 20,00,000.
# Abbreviated months as Bengali writes them ("N"): জানু., ফেব্রু., … ডিসে.
DATE_FORMAT = "j N Y"
SHORT_DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
SHORT_DATETIME_FORMAT = "j N Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "N Y"
MONTH_DAY_FORMAT = "j N"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = (3, 2, 0)

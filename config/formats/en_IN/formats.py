# Indian English groups by lakh and crore: 20,00,000 (twenty lakh), 1,00,00,000 (one crore).
from config.formats.en.formats import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    DECIMAL_SEPARATOR,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    THOUSAND_SEPARATOR,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)

NUMBER_GROUPING = (3, 2, 0)
FIRST_DAY_OF_WEEK = 1

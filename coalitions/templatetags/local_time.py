from datetime import date

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.simple_tag
def month_abbreviations() -> str:
    """The reader's short month names as the server writes them, for live.js to write the same.

    Every MONTH_DAY_FORMAT in config/formats is "day month", so the month is what follows the day.
    """
    return "|".join(date_format(date(2000, month, 15), "MONTH_DAY_FORMAT").split(" ", 1)[1] for month in range(1, 13))

"""The signatures as a spreadsheet for delivery to a ministry: names and regions, never addresses."""

import csv
from collections.abc import Iterator
from datetime import datetime, tzinfo

from django.utils import timezone
from django.utils.translation import gettext as _

from coalitions.imports import FORMULA_STARTS

from .models import Petition, SignatureChannel, Visibility
from .selectors import signatures_for_delivery

# What the import reads back (coalitions.imports) plus the tab and carriage return, which some
# spreadsheets also take as the start of a formula.
EXPORT_FORMULA_STARTS = (*FORMULA_STARTS, "\t", "\r")
ROWS_PER_CHUNK = 1000


def spreadsheet_cell(value: str) -> str:
    """A signer's name is typed by anyone: a leading apostrophe keeps a spreadsheet from running it."""
    return "'" + value if value.startswith(EXPORT_FORMULA_STARTS) else value


class _Line:
    """csv.writer writes here and gets the line back, so that rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def delivery_csv(petition: Petition, *, until: datetime, zone: tzinfo) -> Iterator[str]:
    """UTF-8 with a byte order mark (Excel reads it as UTF-8 only then), a chunk of rows at a time.

    It runs after the view has returned, once the reader's language and zone are no longer
    active: every label is read into the closure first.
    """
    header = [_("Name"), _("Region"), _("Channel"), _("Signed at (%(zone)s)") % {"zone": str(zone)}, _("Shown as")]
    channels = {value: str(label) for value, label in SignatureChannel.choices}
    visibility = {value: str(label) for value, label in Visibility.choices}
    rows = signatures_for_delivery(petition, until=until)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Line())
        yield "\ufeff" + writer.writerow(header)
        chunk = []
        for name, region, channel, confirmed_at, shown_as in rows.iterator(chunk_size=2000):
            chunk.append(
                writer.writerow(
                    [
                        spreadsheet_cell(name),
                        spreadsheet_cell(region),
                        channels.get(channel, channel),
                        timezone.localtime(confirmed_at, zone).strftime("%Y-%m-%d %H:%M"),
                        visibility.get(shown_as, shown_as),
                    ]
                )
            )
            if len(chunk) >= ROWS_PER_CHUNK:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)

    return lines()

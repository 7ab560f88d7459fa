"""The file-system broker of the embedded default, safe against half-written messages.

kombu's filesystem transport creates a message file and then writes into it. A consumer polling
the folder in between takes the still empty file, fails to decode it, and the worker stops with
an unrecoverable error. Here each message is written under a name no consumer reads and then
renamed into place, which is atomic within one folder. The same goes for the table of queues
bound to a broadcast exchange (the one `celery inspect ping` and /healthz use): a starting worker
creates it and only then locks and fills it, so a reader may find it empty. config/celery.py
registers this class for `filesystem://` URLs.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`: the file appears complete or not at all."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # Consumers only take names of the form "<stamp>.<queue>.msg"; this one has another ending.
        partial = os.path.join(self.data_folder_out, f"{name}.partial")
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def get_table(self, exchange):
        """The queues bound to `exchange`; none while its table file is still empty."""
        try:
            if self._exchange_file(exchange).stat().st_size == 0:
                return []
        except FileNotFoundError:
            return []
        return super().get_table(exchange)


class Transport(filesystem.Transport):
    Channel = Channel

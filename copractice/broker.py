"""The embedded broker: kombu's filesystem transport, with messages written atomically.

kombu's own transport creates a message file and then writes into it; a worker polling the
folder at that moment moves the still-empty file away, fails to decode it and stops
("Unrecoverable error: JSONDecodeError"), which under `make run` leaves e-mail undelivered until
the worker is restarted. Here a message is written under a name the worker ignores and renamed
into place once complete: the worker sees whole messages or none.

Importing this module registers the transport as `copractice-filesystem://` (settings.py does,
for the embedded default).
"""

import os
import uuid
from pathlib import Path
from time import monotonic

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made when the broker is first used (a worker, a task sent, /health/), not when the
        # settings that name them are read.
        for folder in (
            self.data_folder_in,
            self.data_folder_out,
            self.processed_folder,
            self.control_folder,
        ):
            Path(folder).mkdir(parents=True, exist_ok=True)

    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        # The worker only reads names ending in ".<queue>.msg".
        partial = f"{path}.partial"
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, path)
        except OSError as error:
            raise filesystem.ChannelError(f"Cannot add file {path!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel


SCHEME = "copractice-filesystem"
TRANSPORT_ALIASES[SCHEME] = f"{__name__}:Transport"

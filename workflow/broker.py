"""kombu's filesystem transport, the embedded default's broker (no server to run), with each
message written whole before a worker can see it.

kombu creates a message's file under its final name and then writes it, so a worker polling
the folder in between read an empty file and stopped ("Unrecoverable error: JSONDecodeError").
Here a message is written under a name workers do not read, then renamed (atomic on one file
system). config/celery.py makes "filesystem://" mean this transport."""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"  # workers list only names ending in ".<queue>.msg"
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel

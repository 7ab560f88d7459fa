"""The file-system broker of the embedded default (config/broker.py)."""

from kombu import Connection

from config.broker import Transport


def _channel(tmp_path):
    (tmp_path / "queue").mkdir()
    (tmp_path / "control").mkdir()
    options = {
        "data_folder_in": str(tmp_path / "queue"),
        "data_folder_out": str(tmp_path / "queue"),
        "control_folder": str(tmp_path / "control"),
    }
    return Connection(transport=Transport, transport_options=options).channel()


def test_a_broadcast_table_a_worker_has_only_just_created_binds_no_queue(tmp_path):
    channel = _channel(tmp_path)
    # What a reader sees between the worker's open() and its write.
    (tmp_path / "control" / "celery.pidbox.exchange").touch()

    assert channel.get_table("celery.pidbox") == []


def test_a_broadcast_table_lists_the_queues_bound_to_it(tmp_path):
    channel = _channel(tmp_path)
    channel._queue_bind("celery.pidbox", "", "", "worker-1.celery.pidbox")

    assert [bound.queue for bound in channel.get_table("celery.pidbox")] == ["worker-1.celery.pidbox"]
    assert channel.get_table("nobody.bound") == []

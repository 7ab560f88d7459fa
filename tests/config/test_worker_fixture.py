"""The worker fixtures leave the Celery app of the test process as they found it."""

from config.celery import app as celery_app
from tests.worker import own_broker


def test_own_broker_restores_eager_mode_broker_and_usable_pools(tmp_path):
    conf = celery_app.conf
    before = (conf.task_always_eager, conf.broker_url, conf.broker_transport_options)
    pool_before = celery_app.pool

    with own_broker(tmp_path / "celery") as broker:
        assert conf.task_always_eager is False
        assert conf.broker_url == broker.url
        assert celery_app.pool is not pool_before
        assert celery_app.control.ping(timeout=0.2) == []  # nobody else answers on this broker

    assert (conf.task_always_eager, conf.broker_url, conf.broker_transport_options) == before
    # The pool from before is back, and still open (eager tasks take a producer from it too).
    assert celery_app.pool is pool_before
    with celery_app.producer_or_acquire() as producer:
        assert producer is not None

"""A producer and a consumer of the embedded broker, as the web process and the worker are.

Run by tests/test_embedded_broker.py as separate processes on the real settings
(`python -m tests.broker_clients produce|consume COUNT`, VAR_DIR naming the broker's folder):
both connect through the Celery app's own connection, so they use the configured transport.
`consume` prints one JSON line: how many messages it received, and the error that stopped it.
"""

import json
import os
import sys
import time


def produce(count: int) -> None:
    from copractice import celery_app

    with celery_app.connection_for_write() as connection:
        producer = connection.Producer(serializer="json")
        for n in range(count):
            producer.publish({"n": n}, routing_key="race", exchange="", retry=False)


def consume(count: int) -> dict:
    from copractice import celery_app

    received, error = 0, None
    try:
        with celery_app.connection_for_read(transport_options={"polling_interval": 0}) as conn:
            queue = conn.SimpleQueue("race")
            print("ready", flush=True)
            deadline = time.monotonic() + 60
            while received < count and time.monotonic() < deadline:
                try:
                    queue.get(timeout=0.01).ack()
                    received += 1
                except queue.Empty:
                    continue
    except Exception as failure:  # what would stop a worker
        error = f"{type(failure).__name__}: {failure}"
    return {"received": received, "error": error}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copractice.settings")
    import django

    django.setup()
    role, count = sys.argv[1], int(sys.argv[2])
    if role == "produce":
        produce(count)
    else:
        print(json.dumps(consume(count)), flush=True)


if __name__ == "__main__":
    main()

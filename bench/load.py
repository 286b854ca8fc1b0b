"""The load generator of P1/P2, run as a second process: ``python -m bench.load``.

N client threads send POSTs for a fixed time, each waiting for its answer before the next
(bounded load). Prints one JSON line: requests answered, errors, seconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
import uuid

from crm.identifiers import luhn_check_digit


def lead_body(serial: int) -> bytes:
    # "1" + seven digits: apart from the generated data's SIRENs (which start with 0).
    partial = f"1{serial % 10**7:07d}"
    return json.dumps(
        {
            "kind": "takeover",
            "company": {
                "name": f"Entreprise de charge {serial} (démo)",
                "siren": partial + luhn_check_digit(partial),
                "naf_code": "6201Z",
                "postal_code": "35000",
                "city": "Rennes",
                "employees": 12,
            },
            "contact": {
                "first_name": "Camille",
                "last_name": "Démo",
                "email": f"charge{serial}@demo.invalid",
                "role": "owner",
            },
            "summary": "Le dirigeant part en retraite.",
            "consent": {"contact_agreed": True},
        }
    ).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--key", default="")
    parser.add_argument("--serial-base", type=int, default=0)
    args = parser.parse_args(argv)

    lock = threading.Lock()
    counters = {"ok": 0, "errors": 0}
    serial = [args.serial_base]
    start_event = threading.Event()
    deadline = [0.0]

    def next_serial() -> int:
        with lock:
            serial[0] += 1
            return serial[0]

    def worker() -> None:
        start_event.wait()
        while time.perf_counter() < deadline[0]:
            body = lead_body(next_serial()) if "leads" in args.path else b'{"x": 1}'
            headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
            if args.key:
                headers["Authorization"] = f"Api-Key {args.key}"
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                conn.request("POST", args.path, body=body, headers=headers)
                response = conn.getresponse()
                status = response.status
                answer = response.read()
                conn.close()
            except OSError as error:
                status, answer = 0, str(error).encode()
            with lock:
                counters["ok" if status in (200, 201) else "errors"] += 1
                if status not in (200, 201) and "sample" not in counters:
                    counters["sample"] = f"{status} {answer[:300]!r}"

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + args.seconds
    start_event.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    print(json.dumps({**counters, "seconds": elapsed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

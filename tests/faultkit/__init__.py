"""Fault injection for foidata's reliability tests and `bench/faults.py`.

    server   a fixture force site on 127.0.0.1 whose chosen URLs misbehave (drops, stalls, 429/5xx, truncated
             bodies, wrong content types), and the scrape scenarios run against it
    kills    ingests SIGKILLed at random moments or at named commit steps, then resumed and compared
    hostile  hostile input files and the limits that must stop them (kept by the hostile-inputs work)

Import the modules themselves (`from faultkit.server import FaultServer`): this package imports nothing, so
using one part never pulls in the others' dependencies.
"""

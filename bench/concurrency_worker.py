"""One Odoo process running the follow-ups' scheduled action method (started by
bench_concurrency.py through click-odoo, several at once on one database).

Prints one line ``RESULT {"processed": n, "start": t0, "end": t1}``: how many
follow-ups this process carried out, and when (epoch seconds)."""

import json
import sys
import time

env = env  # noqa: F821, PLW0127 - provided by click-odoo
start_at = float(sys.argv[1])
batch_size = int(sys.argv[2])
Followup = env["service.followup"]
processed = 0
original = type(Followup)._process


def counting(followups):
    global processed  # noqa: PLW0603 - a counter of this script
    processed += len(followups)
    return original(followups)


type(Followup)._process = counting  # measuring only: count what this process locked
env.cr.commit()
time.sleep(max(0.0, start_at - time.time()))  # every process starts together
start = time.time()
Followup._cron_process_due(batch_size=batch_size)
end = time.time()
print("RESULT " + json.dumps({"processed": processed, "start": start, "end": end}), flush=True)
